# elanus_add_library(NAME SRCS ... DEPS ...): a module library elanus_<NAME>.
function(elanus_add_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(elanus_${name} STATIC ${ARG_SRCS})
  target_link_libraries(elanus_${name} PUBLIC ${ARG_DEPS})
endfunction()

# elanus_add_test(NAME SRCS ... DEPS ...): a GoogleTest binary registered with ctest.
function(elanus_add_test name)
  if(NOT ELANUS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()
