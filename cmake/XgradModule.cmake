include(GNUInstallDirs)

# Compiler warnings for xgrad's own targets (not propagated to users).
function(xgrad_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
endfunction()

# xgrad_add_module(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...] [NOT_IN_UMBRELLA])
#
# One module = one folder = one static library `xgrad_<name>` (alias and exported name
# `xgrad::<name>`) whose public headers live in <folder>/include/xgrad/<name>/. The module is
# linked into the umbrella `xgrad::xgrad` target (unless NOT_IN_UMBRELLA: a module with an
# optional dependency, such as MPI, that users link by name) and installed with its headers.
function(xgrad_add_module name)
  cmake_parse_arguments(ARG "NOT_IN_UMBRELLA" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target xgrad_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(xgrad::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} PUBLIC cxx_std_17)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  xgrad_set_warnings(${target})
  if(NOT ARG_NOT_IN_UMBRELLA)
    target_link_libraries(xgrad INTERFACE ${target})
  endif()
  install(TARGETS ${target} EXPORT xgradTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  set_property(GLOBAL APPEND PROPERTY XGRAD_MODULE_INCLUDE_DIRS ${CMAKE_CURRENT_SOURCE_DIR}/include)
endfunction()
