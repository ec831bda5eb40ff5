# terrarium_add_plugin(<target> SOURCES <src>... [OUTPUT_NAME <name>] [JSON]
#                      [ASSETS <file>... [ASSET_BASE_DIR <dir>]])
#
# Builds a Terrarium service plugin as a MODULE library named <output name>.so (no "lib" prefix):
#  - hidden visibility by default, so only the entry symbol is exported (plus an export list
#    that enforces it for code that forgets the visibility flags);
#  - -fno-gnu-unique, so that the library can really be unloaded (STB_GNU_UNIQUE pins it);
#  - -Wl,-z,defs, so that an unresolved symbol fails the link, not the load (except in a
#    sanitizer build, TERRARIUM_SANITIZE, whose runtime the executable carries for its plugins).
# JSON links Poco::JSON and Poco::Foundation for terrarium/json.hpp (finding Poco when no
# Poco::JSON target exists yet). ASSETS embeds files into the .so: terrarium_plugin_assets().
# The plugin's sources (absolute) are kept in the target property TERRARIUM_PLUGIN_SOURCES, so
# that a test executable can compile the same plugin in.
#
# terrarium_plugin_assets(<target> [BASE_DIR <dir>] FILES <file>...)
#
# Embeds files into plugin <target> at build time: a generated source of byte arrays, compiled
# into the static library <target>_assets (hidden visibility) that the plugin links, defines
# terrarium::embeddedAssets() of terrarium/assets.hpp. An asset is named by its path relative to
# BASE_DIR (default: the current source directory); a changed file is embedded again at the next
# build. Call it once per plugin.
include_guard(GLOBAL)

function(terrarium_plugin_assets target)
  set(_TERRARIUM_EMBED_SCRIPT "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/TerrariumEmbedAssets.cmake")
  cmake_parse_arguments(ARG "" "BASE_DIR" "FILES" ${ARGN})
  if(NOT ARG_FILES)
    message(FATAL_ERROR "terrarium_plugin_assets(${target}): FILES is required")
  endif()
  if(TARGET ${target}_assets)
    message(FATAL_ERROR "terrarium_plugin_assets(${target}): already called for ${target}; list every file in one call")
  endif()
  if(NOT ARG_BASE_DIR)
    set(ARG_BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  get_filename_component(base "${ARG_BASE_DIR}" ABSOLUTE)
  set(manifest "")
  set(paths "")
  foreach(file ${ARG_FILES})
    get_filename_component(path "${file}" ABSOLUTE)
    file(RELATIVE_PATH name "${base}" "${path}")
    if(name MATCHES "^\\.\\./" OR name MATCHES "[\"\\|]" OR IS_DIRECTORY "${path}")
      message(FATAL_ERROR "terrarium_plugin_assets(${target}): '${file}' must be a file below ${base} whose name has no '\"', '\\' or '|'")
    endif()
    string(APPEND manifest "${name}|${path}\n")
    list(APPEND paths "${path}")
  endforeach()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_assets")
  file(GENERATE OUTPUT "${dir}/assets.list" CONTENT "${manifest}")
  add_custom_command(OUTPUT "${dir}/assets.cpp"
    COMMAND ${CMAKE_COMMAND} -DMANIFEST=${dir}/assets.list -DOUTPUT=${dir}/assets.cpp -P ${_TERRARIUM_EMBED_SCRIPT}
    DEPENDS ${paths} "${dir}/assets.list" ${_TERRARIUM_EMBED_SCRIPT}
    COMMENT "Embedding ${target}'s assets"
    VERBATIM)
  add_library(${target}_assets STATIC "${dir}/assets.cpp")
  if(TARGET Terrarium::sdk)
    target_link_libraries(${target}_assets PRIVATE Terrarium::sdk)
  else()
    target_link_libraries(${target}_assets PRIVATE terrarium_sdk)
  endif()
  set_target_properties(${target}_assets PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  target_compile_features(${target}_assets PRIVATE cxx_std_17)
  target_link_libraries(${target} PRIVATE ${target}_assets)
endfunction()

function(terrarium_add_plugin target)
  # The export list lies next to this file, in the source tree and in an installed package alike.
  # (Resolved here rather than in a variable at include time: such a variable would be visible only
  # in the directory scope that included this file, not in sibling directories such as plugins/.)
  set(_TERRARIUM_PLUGIN_EXPORTS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/terrarium-plugin.map")
  cmake_parse_arguments(ARG "JSON" "OUTPUT_NAME;ASSET_BASE_DIR" "SOURCES;ASSETS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "terrarium_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET Terrarium::sdk)
    target_link_libraries(${target} PRIVATE Terrarium::sdk)
  else()
    target_link_libraries(${target} PRIVATE terrarium_sdk)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,GNU>:-fno-gnu-unique>)
  set(undefined "LINKER:-z,defs")
  if(TERRARIUM_SANITIZE)
    set(undefined "LINKER:-z,undefs")
  endif()
  target_link_options(${target} PRIVATE
    "${undefined}"
    "LINKER:--version-script=${_TERRARIUM_PLUGIN_EXPORTS}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_TERRARIUM_PLUGIN_EXPORTS}")
  set(sources "")
  foreach(source ${ARG_SOURCES})
    get_filename_component(source "${source}" ABSOLUTE)
    list(APPEND sources "${source}")
  endforeach()
  set_target_properties(${target} PROPERTIES TERRARIUM_PLUGIN_SOURCES "${sources}")
  if(ARG_JSON)
    if(NOT TARGET Poco::JSON)
      find_package(Poco REQUIRED COMPONENTS Foundation JSON)
    endif()
    target_link_libraries(${target} PRIVATE Poco::JSON Poco::Foundation)
  endif()
  if(ARG_ASSETS)
    set(base "")
    if(ARG_ASSET_BASE_DIR)
      set(base BASE_DIR "${ARG_ASSET_BASE_DIR}")
    endif()
    terrarium_plugin_assets(${target} ${base} FILES ${ARG_ASSETS})
  endif()
endfunction()
