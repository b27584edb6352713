'use strict';
// A gRPC server that is not a chaincode: it serves a health-style service of its own, so
// /protos.Chaincode/Connect gets UNIMPLEMENTED, as from a peer, an orderer or another service.
// Usage: node grpc-server.js PORT
const grpc = require('@grpc/grpc-js');

const server = new grpc.Server();
server.addService({
  Check: {
    path: '/test.Health/Check', requestStream: false, responseStream: false,
    requestSerialize: (b) => b, requestDeserialize: (b) => b, responseSerialize: (b) => b, responseDeserialize: (b) => b,
  },
}, { Check: (call, callback) => callback(null, Buffer.alloc(0)) });
server.bindAsync(`127.0.0.1:${process.argv[2]}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
  process.stdout.write('grpc ready\n');
});
