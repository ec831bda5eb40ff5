# Compiles one source of compile/ with the SDK headers (C++17, -Wall -Wextra -Werror, syntax only)
# and checks the outcome its first line announces: "// expect: nothing ..." must compile cleanly;
# "// expect: <text>" must be refused with <text> as the one error the compiler reports.
# cmake -DCOMPILER=<c++> -DSOURCE=<file> -DINCLUDE_DIR=<sdk/include> -P CompileCheck.cmake
file(STRINGS ${SOURCE} expect_line REGEX "^// expect: " LIMIT_COUNT 1)
if(NOT expect_line)
  message(FATAL_ERROR "${SOURCE} has no '// expect: ' line")
endif()
string(REGEX REPLACE "^// expect: " "" expected "${expect_line}")
execute_process(
  COMMAND ${COMPILER} -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I${INCLUDE_DIR} ${SOURCE}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors)
if(expected MATCHES "^nothing")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${SOURCE} should compile cleanly, but:\n${errors}")
  endif()
  message(STATUS "compiles cleanly")
  return()
endif()
if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but must be refused with: ${expected}")
endif()
string(REGEX MATCH "error: [^\n]*" first_error "${errors}")
string(FIND "${first_error}" "${expected}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${SOURCE} was refused, but its first error is not the expected one.\nexpected: ${expected}\nfirst: ${first_error}\n${errors}")
endif()
string(REGEX MATCHALL "error: " all_errors "${errors}")
list(LENGTH all_errors error_count)
if(NOT error_count EQUAL 1)
  message(FATAL_ERROR "${SOURCE} was refused with the expected message, but with ${error_count} errors instead of one:\n${errors}")
endif()
message(STATUS "refused as expected: ${first_error}")
