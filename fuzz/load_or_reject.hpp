#pragma once
// Shared by the model fuzz targets: run a loader, treating its documented rejection of bad
// input (ModelFormatError) as the end of the case and anything else as a finding.

#include <memory>

#include <xgrad/io/serialization.hpp>

// The model `load()` returns, or null when it throws ModelFormatError. Any other exception
// escapes, and libFuzzer reports it as a crash.
template <class T, class Load>
std::unique_ptr<xgrad::LoadedModel<T>> load_or_reject(Load&& load) {
  try {
    return std::make_unique<xgrad::LoadedModel<T>>(load());
  } catch (const xgrad::ModelFormatError&) {
    return nullptr;
  }
}
