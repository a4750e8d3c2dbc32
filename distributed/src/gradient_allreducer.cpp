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
void GradientAllreducer<T>::reduce(const std::vector<Parameter<T>>& parameters) {
  last_buckets_ = 0;
  // Which parameters some process has a gradient for: one small message.
  has_grad_.assign(parameters.size(), 0);
  for (std::size_t i = 0; i < parameters.size(); ++i) has_grad_[i] = parameters[i].var.has_grad();
  comm_.max(has_grad_.data(), has_grad_.size());

  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!has_grad_[i]) continue;
    const Var<T>& var = parameters[i].var;
    if (!var.has_grad()) var.set_grad(xt::zeros<T>(var.value().shape()));  // contributes zeros
    // Pack this gradient, cutting it where a bucket fills up.
    T* data = var.mutable_grad().data();
    std::size_t left = var.mutable_grad().size();
    while (left > 0) {
      const std::size_t take = std::min(left, buffer_.size() - used_);
      std::copy_n(data, take, buffer_.data() + used_);
      segments_.emplace_back(data, take);
      used_ += take;
      data += take;
      left -= take;
      if (used_ == buffer_.size()) flush();
    }
  }
  if (used_ > 0) flush();
}

#define XGRAD_INSTANTIATE(T) template class GradientAllreducer<T>;
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
