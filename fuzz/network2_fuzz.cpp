// Fuzz target: the loader of network2.py's JSON format (parse_network2) in float and double.
//
// The only acceptable failure is ModelFormatError. A model that loads is one network2.py
// can represent, so it must save in network2's format again, and the saved text must load
// into a model that saves to the same text; its network must run forward on an input of
// sizes[0] columns.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <xgrad/layers/dense.hpp>
#include <xgrad/io/serialization.hpp>

#include "load_or_reject.hpp"

namespace {

template <class T>
void check(const std::string& text) {
  const auto model = load_or_reject<T>([&] { return xgrad::parse_network2<T>(text, "fuzz"); });
  if (!model) return;
  if (!xgrad::network2_incompatibility(model->network, model->cost).empty()) std::abort();
  const std::string saved = xgrad::network2_to_string(model->network, model->cost);
  const xgrad::LoadedModel<T> again = xgrad::parse_network2<T>(saved, "saved");
  if (xgrad::network2_to_string(again.network, again.cost) != saved) std::abort();
  const std::size_t width = model->network.template at<xgrad::Dense<T>>(0).in_features();
  if (width > 4096) return;
  const auto z = model->network.forward(xgrad::Var<T>(xgrad::Matrix<T>(xt::ones<T>({std::size_t{2}, width}))));
  model->cost.activate(z);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check<float>(text);
  check<double>(text);
  return 0;
}
