# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS) of the upgrade package set that build.sh makes:
# the rebuilt packages ship a changed default /etc/terrarium/terrarium.json, as a new release
# does, so that the upgrade tests see the package manager keep an edited configuration while the
# packaged one changes (dpkg: .dpkg-dist beside it; rpm %config(noreplace): .rpmnew).
# The change: drain_timeout_ms becomes 29999 (a valid value no configuration uses).
file(GLOB_RECURSE _configs LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/etc/terrarium/terrarium.json")
if(NOT _configs)
  message(FATAL_ERROR "upgrade-default-config: no staged etc/terrarium/terrarium.json under ${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
endif()
foreach(_config ${_configs})
  file(READ "${_config}" _json)
  string(JSON _json SET "${_json}" drain_timeout_ms 29999)
  file(WRITE "${_config}" "${_json}\n")
  message(STATUS "upgrade-default-config: ${_config}: drain_timeout_ms 29999")
endforeach()
