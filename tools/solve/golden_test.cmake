# Runs rota-solve and compares its output with a golden file, or checks that
# it fails with an expected exit code and message.
#   -DSOLVE=<rota-solve> -DMECHANISM=<name> -DINPUT=<instance>
#   -DEXPECTED=<golden json>              (success case)
#   -DEXPECT_CODE=<n> -DEXPECT_MESSAGE=<s> (failure case)
execute_process(COMMAND ${SOLVE} --mechanism ${MECHANISM} ${INPUT}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(DEFINED EXPECT_CODE)
  if(NOT code EQUAL EXPECT_CODE)
    message(FATAL_ERROR "exit code ${code}, wanted ${EXPECT_CODE}; stderr: ${err}")
  endif()
  string(FIND "${err}" "${EXPECT_MESSAGE}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "stderr lacks '${EXPECT_MESSAGE}': ${err}")
  endif()
  return()
endif()
if(NOT code EQUAL 0)
  message(FATAL_ERROR "rota-solve failed (${code}): ${err}")
endif()
file(READ ${EXPECTED} want)
if(NOT out STREQUAL want)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/rota_solve_${MECHANISM}_actual.json "${out}")
  message(FATAL_ERROR "output differs from ${EXPECTED}; actual written to "
          "${CMAKE_CURRENT_BINARY_DIR}/rota_solve_${MECHANISM}_actual.json")
endif()
