#include "xgrad/distributed/broadcast.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "xgrad/autograd/dtypes.hpp"
#include "xgrad/distributed/errors.hpp"

namespace xgrad {

template <class T>
void broadcast_parameters(Module<T>& module, const Communicator& comm, int root) {
  // The parameters, then the buffers (a running average must agree too).
  struct Slot {
    std::string name;
    Var<T> var;
    const char* kind;  // "parameter" or "buffer", for the messages
  };
  std::vector<Slot> parameters;
  for (const Parameter<T>& p : module.parameters()) {
    parameters.push_back({p.name, p.var, "parameter"});
  }
  const std::vector<Buffer<T>> buffers = module.buffers();
  for (const Buffer<T>& b : buffers) parameters.push_back({b.name, b.var, "buffer"});
  // The root's structure (count, then every shape) first, so that a different model on some
  // rank is an error on every rank rather than a mismatched broadcast.
  std::vector<double> shapes{double(parameters.size())};
  for (const Slot& p : parameters) {
    shapes.push_back(double(p.var.value().shape()[0]));
    shapes.push_back(double(p.var.value().shape()[1]));
  }
  std::vector<double> count{shapes[0]};
  comm.broadcast(count.data(), 1, root);
  std::vector<double> root_shapes(1 + 2 * std::size_t(count[0]));
  if (comm.rank() == root) root_shapes = shapes;
  comm.broadcast(root_shapes.data(), root_shapes.size(), root);
  std::string mismatch;
  if (root_shapes.size() != shapes.size()) {
    mismatch = fmt::format("{} parameters and buffers here ({} buffers), {} on rank {}",
                           parameters.size(), buffers.size(), count[0], root);
  } else {
    for (std::size_t i = 0; i < parameters.size() && mismatch.empty(); ++i) {
      if (root_shapes[1 + 2 * i] != shapes[1 + 2 * i] ||
          root_shapes[2 + 2 * i] != shapes[2 + 2 * i]) {
        mismatch = fmt::format("{} '{}' is ({}, {}) here, ({}, {}) on rank {}",
                               parameters[i].kind, parameters[i].name, shapes[1 + 2 * i],
                               shapes[2 + 2 * i], root_shapes[1 + 2 * i],
                               root_shapes[2 + 2 * i], root);
      }
    }
  }
  // Every rank learns whether some rank differs, so all throw together.
  std::vector<int> bad{mismatch.empty() ? 0 : 1};
  comm.max(bad.data(), 1);
  if (bad[0]) {
    throw DistributedError(
        fmt::format("broadcast_parameters: the model on rank {} of {} differs from rank {}'s{}{}",
                    comm.rank(), comm.size(), root, mismatch.empty() ? "" : ": ", mismatch),
        comm.rank());
  }
  for (const Slot& p : parameters) {
    Matrix<T>& value = p.var.mutable_value();
    comm.broadcast(value.data(), value.size(), root);
  }
}

#define XGRAD_INSTANTIATE(T) \
  template void broadcast_parameters<T>(Module<T>&, const Communicator&, int);
XGRAD_FOR_EACH_DTYPE(XGRAD_INSTANTIATE)

}  // namespace xgrad
