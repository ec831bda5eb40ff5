# CPack pre-build script of the RPM generator (CPackProjectConfig.cmake appends it to
# CPACK_PRE_BUILD_SCRIPTS for RPM only): ships the libraries that terrariumd and the packaged plugins
# need beyond the distribution's (system-libraries.txt) in the terrarium package's private
# directory, with RUNPATHs to it (private-libs.sh), and keeps them out of the packages' automatic
# provides and requires. CPACK_TERRARIUM_RPM_SIGN_COMMAND (optional): the command that signs a
# staged plugin again after its RUNPATH changed (a plugin staged with a .sig beside it needs it).
if(CPACK_GENERATOR STREQUAL "RPM")
  if(NOT CPACK_TERRARIUM_RPM_PRIVATE_LIB_DIR)
    message(FATAL_ERROR "private-libs: CPACK_TERRARIUM_RPM_PRIVATE_LIB_DIR is not set: configure the build tree again")
  endif()
  set(_private ${CPACK_PACKAGING_INSTALL_PREFIX}/${CPACK_TERRARIUM_RPM_PRIVATE_LIB_DIR})
  execute_process(
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/private-libs.sh
      ${CPACK_TEMPORARY_INSTALL_DIRECTORY}/daemon ${CPACK_TEMPORARY_INSTALL_DIRECTORY}/plugins
      ${_private} ${CMAKE_CURRENT_LIST_DIR}/system-libraries.txt "${CPACK_TERRARIUM_RPM_SIGN_COMMAND}"
    OUTPUT_VARIABLE _sonames
    RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "private-libs: the private libraries of the RPM could not be staged")
  endif()
  string(STRIP "${_sonames}" _sonames)
  string(REPLACE "." "[.]" _sonames "${_sonames}")
  string(REPLACE "+" "[+]" _sonames "${_sonames}")
  string(REPLACE "\n" "|" _sonames "${_sonames}")
  message(STATUS "private-libs: ${_private}: ${_sonames}")
  string(APPEND CPACK_RPM_SPEC_MORE_DEFINE "\n%global __provides_exclude_from ^${_private}/.*$")
  if(_sonames)
    string(APPEND CPACK_RPM_SPEC_MORE_DEFINE "\n%global __requires_exclude ^(${_sonames})[(]")
  endif()
endif()
