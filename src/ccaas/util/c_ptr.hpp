#pragma once

#include <memory>

namespace ccaas {

// A C library's handle, owned: freed with the library's own function when it goes.
//   using BioPtr = CPtr<BIO, BIO_free>;
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const
  {
    Free(p);
  }
};

template <typename T, auto Free>
using CPtr = std::unique_ptr<T, FreeWith<Free>>;

} // namespace ccaas
