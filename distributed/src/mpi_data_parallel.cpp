#include "xgrad/distributed/mpi_data_parallel.hpp"

#include "xgrad/autograd/dtypes.hpp"

namespace xgrad {

template <class T>
MpiDataParallel<T>::MpiDataParallel(Communicator comm, std::size_t bucket_bytes)
    : reducer_(comm, bucket_bytes) {}

template <class T>
std::size_t MpiDataParallel<T>::rank() const {
  return std::size_t(reducer_.communicator().rank());
}

template <class T>
std::size_t MpiDataParallel<T>::size() const {
  return std::size_t(reducer_.communicator().size());
}

template <class T>
void MpiDataParallel<T>::reduce_gradients(const std::vector<Parameter<T>>& parameters,
                                          std::vector<double>& values) {
  reducer_.reduce(parameters, values.data(), values.size());
}

template <class T>
void MpiDataParallel<T>::sum(std::vector<double>& values) {
  reducer_.communicator().sum(values.data(), values.size());
}

#define XGRAD_INSTANTIATE(T) template class MpiDataParallel<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
