# terrarium_add_plugin(<target> SOURCES <src>... [OUTPUT_NAME <name>])
#
# Builds a Terrarium service plugin as a MODULE library named <output name>.so (no "lib" prefix):
#  - hidden visibility by default, so only the entry symbol is exported (plus an export list
#    that enforces it for code that forgets the visibility flags);
#  - -fno-gnu-unique, so that the library can really be unloaded (STB_GNU_UNIQUE pins it);
#  - -Wl,-z,defs, so that an unresolved symbol fails the link, not the load.
include_guard(GLOBAL)

function(terrarium_add_plugin target)
  # The export list lies next to this file, in the source tree and in an installed package alike.
  # (Resolved here rather than in a variable at include time: such a variable would be visible only
  # in the directory scope that included this file, not in sibling directories such as plugins/.)
  set(_TERRARIUM_PLUGIN_EXPORTS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/terrarium-plugin.map")
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
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
  target_link_options(${target} PRIVATE
    "LINKER:-z,defs"
    "LINKER:--version-script=${_TERRARIUM_PLUGIN_EXPORTS}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_TERRARIUM_PLUGIN_EXPORTS}")
endfunction()
