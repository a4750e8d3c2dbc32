// xgrad-augment-preview: writes a PNG grid of MNIST digits (one per row) and their
// distortions: the original, then affine copies (rotation, translation, skew), then
// elastic copies (Simard et al. 2003), then both. Shows what `--expand K` trains on.
//
//   xgrad-augment-preview [--data DIR] [--out FILE.png] [--digits N] [--copies K]
//                         [--seed S] [--scale P]

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

int main(int argc, char** argv) {
  CLI::App app{"Writes a PNG grid of MNIST digits and their random distortions."};
  std::string data_dir, out = "augment_preview.png";
  std::size_t digits = 8, copies = 4, scale = 3;
  std::uint64_t seed = 1;
  app.add_option("--data", data_dir, "directory with the MNIST IDX files (default: search)");
  app.add_option("--out", out, "PNG file to write")->capture_default_str();
  app.add_option("--digits", digits, "digits (rows of the grid)")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--copies", copies, "distorted copies per kind")->capture_default_str()->check(CLI::Range(1, 20));
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  app.add_option("--scale", scale, "pixels per image pixel")->capture_default_str()->check(CLI::Range(1, 16));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    mnist::LocateOptions where;
    where.dir = data_dir;
    const mnist::DataSource source = mnist::locate(where);
    std::fprintf(stderr, "data: %s\n", source.description.c_str());
    mnist::LoadOptions sizes;
    sizes.training_size = digits;
    sizes.validation_size = sizes.test_size = 0;
    const Dataset<float> data = mnist::load<float>(source, sizes).training;

    constexpr std::size_t side = mnist::image_side;
    const std::vector<DistortionOptions> kinds = {DistortionOptions::affine(),
                                                  DistortionOptions::elastic(),
                                                  DistortionOptions::affine_and_elastic()};
    // Columns: original, a gap, then `copies` images per kind separated by gaps.
    const std::size_t cell = side * scale, gap = scale * 4, pad = scale;
    const std::size_t columns = 1 + kinds.size() * copies;
    const std::size_t width = columns * (cell + pad) + kinds.size() * gap + pad;
    const std::size_t height = digits * (cell + pad) + pad;
    std::vector<std::uint8_t> grid(width * height, 96);  // gray background
    std::vector<float> image(side * side);
    const auto paste = [&](std::size_t row, std::size_t x0, const float* pixels) {
      const std::size_t y0 = pad + row * (cell + pad);
      for (std::size_t y = 0; y < cell; ++y)
        for (std::size_t x = 0; x < cell; ++x) {
          const float v = pixels[(y / scale) * side + x / scale];
          // MNIST is white ink on black: print it dark on light for readability.
          grid[(y0 + y) * width + x0 + x] = std::uint8_t(255.5f - 255.0f * v);
        }
    };
    std::vector<Distorter> distorters;
    for (std::size_t k = 0; k < kinds.size(); ++k)
      distorters.emplace_back(side, side, kinds[k], seed + k);
    for (std::size_t d = 0; d < data.size(); ++d) {
      const float* original = data.inputs().data() + d * side * side;
      std::size_t x = pad;
      paste(d, x, original);
      x += cell + pad;
      for (std::size_t k = 0; k < kinds.size(); ++k) {
        x += gap;
        for (std::size_t c = 0; c < copies; ++c) {
          distorters[k].distort(original, image.data());
          paste(d, x, image.data());
          x += cell + pad;
        }
      }
    }
    write_png(out, grid, width, height);
    std::printf("wrote %s: %zu digits × (original | %zu affine | %zu elastic | %zu both)\n",
                out.c_str(), data.size(), copies, copies, copies);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
