// Fuzz target: xgrad's JSON model loader (parse_model) in float and double, with one
// registered custom module type ("Scale") so that the hook's path is explored too.
//
// The only acceptable failure is ModelFormatError. A model that loads must save again, and
// the saved text must load into a model that saves to the same text (a fixed point); its
// network must run forward on a small input (a ShapeError is acceptable only where a
// custom module's width is unknown to the loader).

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <typeinfo>

#include <xgrad/autograd/arithmetic.hpp>
#include <xgrad/autograd/errors.hpp>
#include <xgrad/layers/dense.hpp>
#include <xgrad/io/serialization.hpp>

#include "load_or_reject.hpp"

namespace {

using nlohmann::json;

// x ⊙ factor with a (1 × width) factor.
template <class T>
class Scale : public xgrad::Module<T> {
 public:
  explicit Scale(std::size_t width) : width_(width) {
    factor_ = this->register_parameter("factor", xt::ones<T>({std::size_t{1}, width}),
                                       xgrad::ParameterKind::weight);
  }
  xgrad::Var<T> forward(const xgrad::Var<T>& x) override { return x * factor_; }
  std::size_t width() const { return width_; }

 private:
  std::size_t width_;
  xgrad::Var<T> factor_;
};

template <class T>
void register_scale() {
  xgrad::register_module_type<Scale<T>>(
      "Scale", [](const Scale<T>& m) { return json{{"width", m.width()}}; },
      [](const json& config) {
        // A load function receives untrusted JSON and must validate it like the loader.
        const std::size_t width = config.at("width").get<std::size_t>();
        if (width == 0 || width > 4096) throw std::invalid_argument("width out of range");
        return std::make_shared<Scale<T>>(width);
      });
}

template <class T>
void check(const std::string& text) {
  const auto model = load_or_reject<T>([&] { return xgrad::parse_model<T>(text, "fuzz"); });
  if (!model) return;
  const std::string saved = xgrad::model_to_string(model->network, model->cost, model->training);
  const xgrad::LoadedModel<T> again = xgrad::parse_model<T>(saved, "saved");
  if (xgrad::model_to_string(again.network, again.cost, again.training) != saved) std::abort();

  bool custom = false;
  std::size_t width = 0;
  for (std::size_t i = 0; i < model->network.size(); ++i) {
    const auto& m = model->network[i];
    if (typeid(m) == typeid(Scale<T>)) custom = true;
    if (const auto* dense = dynamic_cast<const xgrad::Dense<T>*>(&m); dense && width == 0) {
      width = dense->in_features();
    }
  }
  if (model->network.size() == 0 || width == 0 || width > 4096) return;
  try {
    model->network.eval();
    model->network.forward(xgrad::Var<T>(xgrad::Matrix<T>(xt::ones<T>({std::size_t{2}, width}))));
  } catch (const xgrad::ShapeError&) {
    if (!custom) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  register_scale<float>();
  register_scale<double>();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check<float>(text);
  check<double>(text);
  return 0;
}
