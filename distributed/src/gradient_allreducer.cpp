#include "xgrad/distributed/gradient_allreducer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/autograd/errors.hpp"

namespace xgrad {

template <class T>
GradientAllreducer<T>::GradientAllreducer(Communicator comm, std::size_t bucket_bytes)
    : comm_(comm) {
  if (bucket_bytes == 0) {
    throw InvalidArgument("GradientAllreducer: bucket size 0 bytes, expected ≥ 1");
  }
  buffer_.resize(std::max<std::size_t>(1, bucket_bytes / sizeof(T)));
}

template <class T>
void GradientAllreducer<T>::flush() {
  comm_.sum(buffer_.data(), used_);
  const T* from = buffer_.data();
  for (const auto& [to, count] : segments_) {
    std::copy_n(from, count, to);
    from += count;
  }
  segments_.clear();
  used_ = 0;
  ++last_buckets_;
}

template <class T>
void GradientAllreducer<T>::reduce(const std::vector<Parameter<T>>& parameters, double* extra,
                                   std::size_t count) {
  last_buckets_ = 0;
  // Appends data[0, n) to the stream of buckets, cutting it where a bucket fills up.
  const auto pack = [&](T* data, std::size_t n) {
    while (n > 0) {
      const std::size_t take = std::min(n, buffer_.size() - used_);
      std::copy_n(data, take, buffer_.data() + used_);
      segments_.emplace_back(data, take);
      used_ += take;
      data += take;
      n -= take;
      if (used_ == buffer_.size()) flush();
    }
  };
  tail_.assign(parameters.size() + count, T(0));
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Var<T>& var = parameters[i].var;
    if (!var.requires_grad()) continue;  // frozen everywhere alike
    tail_[i] = var.has_grad() ? T(1) : T(0);
    if (!var.has_grad()) var.set_grad(xt::zeros<T>(var.value().shape()));  // contributes zeros
    Matrix<T>& grad = var.mutable_grad();
    pack(grad.data(), grad.size());
  }
  for (std::size_t k = 0; k < count; ++k) tail_[parameters.size() + k] = T(extra[k]);
  pack(tail_.data(), tail_.size());
  if (used_ > 0) flush();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Var<T>& var = parameters[i].var;
    if (var.requires_grad() && tail_[i] == T(0)) var.zero_grad();  // no process had one
  }
  for (std::size_t k = 0; k < count; ++k) extra[k] = double(tail_[parameters.size() + k]);
}

#define XGRAD_INSTANTIATE(T) template class GradientAllreducer<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
