'use strict';
// The smallest real chaincode: the tests start it as a chaincode-as-a-service server
// (fabric-chaincode-node server) and probe it the way the peer dials it.
const { Contract } = require('fabric-contract-api');

class EchoContract extends Contract {
  async echo(ctx, text) {
    return text;
  }
}

module.exports.contracts = [EchoContract];
