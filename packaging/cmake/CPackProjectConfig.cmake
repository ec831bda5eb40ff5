# Read by cpack once per generator, after CPackConfig.cmake and any "cpack -D" overrides: values
# that depend on the version or release are derived here so that an override reaches them.
if(CPACK_GENERATOR STREQUAL "RPM")
  set(CPACK_RPM_PLUGINS_PACKAGE_REQUIRES "terrarium = ${CPACK_PACKAGE_VERSION}-${CPACK_RPM_PACKAGE_RELEASE}")
  # After any pre-build script given with "cpack -D CPACK_PRE_BUILD_SCRIPTS=...".
  list(APPEND CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/../rpm/private-libs.cmake)
endif()
if(CPACK_GENERATOR STREQUAL "DEB")
  # Each CPACK_DEBIAN_<COMPONENT>_DESCRIPTION starts with its own synopsis line; CPack would put the
  # project-wide summary in front of it.
  unset(CPACK_PACKAGE_DESCRIPTION_SUMMARY)
endif()
