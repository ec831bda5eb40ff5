# ctest script (cmake -P): the SDK works out of tree.
#  1. cmake --install <BUILD_DIR> --component dev into <WORK_DIR>/prefix
#  2. configure the installed examples/hello-plugin with -DCMAKE_PREFIX_PATH=<prefix> -G Ninja
#  3. build it
#  4. check hello.so exports only terrarium_plugin_entry; copy it to <OUTPUT>
#  5. build and run a test of the installed fake host (terrarium/testing/fake_host.hpp and its parts)
foreach(var BUILD_DIR WORK_DIR OUTPUT INCLUDEDIR LIBDIR DATADIR BINDIR NM)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "OutOfTreePlugin.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})
file(REMOVE ${OUTPUT})
file(MAKE_DIRECTORY ${WORK_DIR})

# Runs a command; on failure stops with what it printed.
function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "FAILED: ${step}\n  command: ${cmd}\n  exit: ${rc}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
  endif()
  message(STATUS "ok: ${step}")
endfunction()

# ---- 1. install the SDK ----
run("install the dev component into ${prefix}"
  ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dev)

set(expected
  ${INCLUDEDIR}/terrarium/plugin.h
  ${INCLUDEDIR}/terrarium/plugin.hpp
  ${INCLUDEDIR}/terrarium/json.hpp
  ${INCLUDEDIR}/terrarium/assets.hpp
  ${INCLUDEDIR}/terrarium/testing/fake_host.hpp
  ${LIBDIR}/cmake/Terrarium/TerrariumConfig.cmake
  ${LIBDIR}/cmake/Terrarium/TerrariumConfigVersion.cmake
  ${LIBDIR}/cmake/Terrarium/TerrariumTargets.cmake
  ${LIBDIR}/cmake/Terrarium/TerrariumPlugin.cmake
  ${LIBDIR}/cmake/Terrarium/TerrariumEmbedAssets.cmake
  ${LIBDIR}/cmake/Terrarium/terrarium-plugin.map
  ${DATADIR}/terrarium/examples/hello-plugin/CMakeLists.txt
  ${DATADIR}/terrarium/examples/hello-plugin/Hello.cpp
  ${DATADIR}/terrarium/examples/hello-plugin/README.md
  ${DATADIR}/terrarium/examples/hello-plugin/about.html
  ${BINDIR}/terrarium-sign
  ${DATADIR}/man/man1/terrarium-sign.1.gz)
# Every header of the source tree's SDK, also those in subfolders (testing/fake_host/).
get_filename_component(sdk_include ${CMAKE_CURRENT_LIST_DIR}/../../sdk/include ABSOLUTE)
file(GLOB_RECURSE sdk_headers RELATIVE ${sdk_include} ${sdk_include}/*.h ${sdk_include}/*.hpp)
foreach(h ${sdk_headers})
  list(APPEND expected ${INCLUDEDIR}/${h})
endforeach()
foreach(f ${expected})
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "FAILED: the dev component did not install ${f} (into ${prefix})")
  endif()
endforeach()
# The dev component holds the SDK only (no daemon, no plugins, no test binaries), the plugin
# signing tool terrarium-sign with its man page, and its package documentation (Debian changelog
# and copyright).
file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
foreach(f ${installed})
  if(NOT f MATCHES "^(${INCLUDEDIR}/terrarium/|${LIBDIR}/cmake/Terrarium/|${DATADIR}/terrarium/examples/|${DATADIR}/doc/terrarium-dev/|${BINDIR}/terrarium-sign$|${DATADIR}/man/man1/terrarium-sign\\.1\\.gz$)")
    message(FATAL_ERROR "FAILED: the dev component installed an unexpected file: ${f}")
  endif()
endforeach()
message(STATUS "ok: the dev component installed the SDK and nothing else")

# ---- 2. configure the example against the installed SDK only ----
set(source ${prefix}/${DATADIR}/terrarium/examples/hello-plugin)
set(configure ${CMAKE_COMMAND} -S ${source} -B ${build} -G Ninja
  -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror")
if(MAKE_PROGRAM)
  list(APPEND configure -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CXX_COMPILER)
  list(APPEND configure -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(BUILD_TYPE)
  list(APPEND configure -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()
run("configure hello-plugin with find_package(Terrarium)" ${configure})

file(STRINGS ${build}/CMakeCache.txt terrarium_dir REGEX "^Terrarium_DIR:")
string(REGEX REPLACE "^Terrarium_DIR:[A-Z]+=" "" terrarium_dir "${terrarium_dir}")
get_filename_component(terrarium_dir "${terrarium_dir}" REALPATH)
get_filename_component(real_prefix "${prefix}" REALPATH)
string(FIND "${terrarium_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "FAILED: find_package(Terrarium) found '${terrarium_dir}', not the SDK installed in ${prefix}")
endif()

# ---- 3. build ----
run("build hello.so" ${CMAKE_COMMAND} --build ${build})

# ---- 4. check the plugin ----
set(plugin ${build}/hello.so)
if(NOT EXISTS ${plugin})
  file(GLOB built RELATIVE ${build} ${build}/*.so*)
  message(FATAL_ERROR "FAILED: ${plugin} was not built (shared objects in the build folder: ${built})")
endif()
execute_process(COMMAND ${NM} -D --defined-only ${plugin} RESULT_VARIABLE rc OUTPUT_VARIABLE symbols ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "FAILED: ${NM} -D --defined-only ${plugin}: ${err}")
endif()
string(REGEX REPLACE "\n$" "" symbols "${symbols}")
string(REPLACE "\n" ";" lines "${symbols}")
set(exported)
foreach(line ${lines})
  string(REGEX REPLACE "^.* " "" name "${line}")   # "<address> <type> <name>"
  list(APPEND exported ${name})
endforeach()
if(NOT exported STREQUAL "terrarium_plugin_entry")
  message(FATAL_ERROR "FAILED: hello.so must export exactly terrarium_plugin_entry; nm -D --defined-only says:\n${symbols}")
endif()
message(STATUS "ok: hello.so exports only terrarium_plugin_entry")

get_filename_component(output_dir ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${output_dir})
run("copy hello.so for the integration tests" ${CMAKE_COMMAND} -E copy ${plugin} ${OUTPUT})
message(STATUS "ok: ${OUTPUT}")

# ---- 5. a plugin author's unit test against the installed fake host ----
set(fake_host_test ${WORK_DIR}/fake-host-test)
file(WRITE ${fake_host_test}.cpp [=[
#include <terrarium/testing/fake_host.hpp>
#include <cstring>

// Without an entry function the fake host refuses to start, and says why.
int main()
{
    terrarium::testing::FakeHost host(nullptr);
    if (host.tryStart() != TRM_ERR_INVALID || host.lastError() != "no entry function") return 1;
    return std::strcmp(terrarium::testing::statusName(TRM_ERR_INVALID), "TRM_ERR_INVALID") == 0 ? 0 : 2;
}
]=])
set(compiler c++)
if(CXX_COMPILER)
  set(compiler ${CXX_COMPILER})
endif()
run("build a test of the installed fake host"
  ${compiler} -std=c++17 -Wall -Wextra -Werror -pthread -I${prefix}/${INCLUDEDIR}
  -o ${fake_host_test} ${fake_host_test}.cpp)
run("run the test of the installed fake host" ${fake_host_test})
