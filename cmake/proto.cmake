# The Milvus protocol as a pinned build dependency (DESIGN.md §6). No .proto text is committed:
#   1. configure: download the pinned pymilvus wheel from PyPI (pip, no dependencies) into the
#      build dir and check its SHA-256;
#   2. build: scripts/gen_descriptors.py reads the serialized FileDescriptorProtos embedded in the
#      wheel's generated *_pb2.py modules and writes a FileDescriptorSet;
#   3. build: protoc --descriptor_set_in generates C++ and gRPC code into the build dir;
#   4. the generated code is compiled into the static library `elanus_proto`.
# Offline builds: pass -DELANUS_PYMILVUS_WHEEL=/path/to/pymilvus-<version>-py3-none-any.whl.

set(ELANUS_PYMILVUS_VERSION "2.6.17" CACHE STRING "pymilvus release the protocol is taken from")
set(ELANUS_PYMILVUS_SHA256 "583c680bea60b5944762ae81dd577169efe3b895b579d78e60bab05c087c4f89"
    CACHE STRING "SHA-256 of pymilvus-<version>-py3-none-any.whl")
set(ELANUS_PYMILVUS_WHEEL "" CACHE FILEPATH "Use this pymilvus wheel instead of downloading it")

find_package(Python3 REQUIRED COMPONENTS Interpreter)
pkg_check_modules(PROTOBUF REQUIRED IMPORTED_TARGET protobuf)
pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
find_program(ELANUS_PROTOC protoc REQUIRED)
find_program(ELANUS_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

set(_pm_dir ${CMAKE_BINARY_DIR}/_deps/pymilvus)
set(_pm_whl ${_pm_dir}/pymilvus-${ELANUS_PYMILVUS_VERSION}-py3-none-any.whl)
if(ELANUS_PYMILVUS_WHEEL)
  set(_pm_whl ${ELANUS_PYMILVUS_WHEEL})
elseif(NOT EXISTS ${_pm_whl})
  message(STATUS "Downloading pymilvus ${ELANUS_PYMILVUS_VERSION} (protocol descriptors)")
  execute_process(
    COMMAND ${Python3_EXECUTABLE} -m pip download --quiet --no-deps --only-binary=:all:
            --dest ${_pm_dir} pymilvus==${ELANUS_PYMILVUS_VERSION}
    RESULT_VARIABLE _pm_rc)
  if(NOT _pm_rc EQUAL 0 OR NOT EXISTS ${_pm_whl})
    message(FATAL_ERROR "could not download pymilvus==${ELANUS_PYMILVUS_VERSION} from PyPI; "
                        "pass -DELANUS_PYMILVUS_WHEEL=<wheel> or -DELANUS_BUILD_SERVER=OFF")
  endif()
endif()
file(SHA256 ${_pm_whl} _pm_sha)
if(NOT _pm_sha STREQUAL ELANUS_PYMILVUS_SHA256)
  message(FATAL_ERROR "${_pm_whl}: SHA-256 ${_pm_sha}, expected ${ELANUS_PYMILVUS_SHA256}")
endif()

set(_proto_out ${CMAKE_BINARY_DIR}/proto)
set(ELANUS_PROTO_DESCRIPTORS ${_proto_out}/milvus.desc)
set(_proto_names common feder rg schema msg milvus)
set(_proto_files)
set(_proto_srcs)
set(_proto_hdrs)
foreach(n ${_proto_names})
  list(APPEND _proto_files ${n}.proto)
  list(APPEND _proto_srcs ${_proto_out}/${n}.pb.cc ${_proto_out}/${n}.grpc.pb.cc)
  list(APPEND _proto_hdrs ${_proto_out}/${n}.pb.h ${_proto_out}/${n}.grpc.pb.h)
endforeach()

add_custom_command(
  OUTPUT ${ELANUS_PROTO_DESCRIPTORS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_proto_out}
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/gen_descriptors.py
          --wheel ${_pm_whl} --out ${ELANUS_PROTO_DESCRIPTORS}
  DEPENDS ${_pm_whl} ${PROJECT_SOURCE_DIR}/scripts/gen_descriptors.py
  COMMENT "Deriving Milvus descriptors from pymilvus ${ELANUS_PYMILVUS_VERSION}"
  VERBATIM)

# google/protobuf/descriptor.proto (imported for custom options) comes from the protoc install.
add_custom_command(
  OUTPUT ${_proto_srcs} ${_proto_hdrs}
  COMMAND ${ELANUS_PROTOC} --descriptor_set_in=${ELANUS_PROTO_DESCRIPTORS}
          -I${PROTOBUF_INCLUDEDIR} --cpp_out=${_proto_out} --grpc_out=${_proto_out}
          --plugin=protoc-gen-grpc=${ELANUS_GRPC_CPP_PLUGIN} ${_proto_files}
  DEPENDS ${ELANUS_PROTO_DESCRIPTORS}
  COMMENT "Generating C++ for the Milvus protocol"
  VERBATIM)

add_library(elanus_proto STATIC ${_proto_srcs})
# Generated code: not ours to fix, so no warnings (and no debug info: milvus.pb.cc is huge).
set_source_files_properties(${_proto_srcs} PROPERTIES COMPILE_OPTIONS "-w;-g0")
target_include_directories(elanus_proto SYSTEM PUBLIC ${_proto_out})
target_link_libraries(elanus_proto PUBLIC PkgConfig::GRPCPP PkgConfig::PROTOBUF)
