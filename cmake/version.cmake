# Writes version.hpp with the project version and the git commit, at every build but touching
# the file only when its text changes, so that --version names the commit that was built.
# Called as: cmake -DSOURCE_DIR=... -DINPUT=... -DOUTPUT=... -DPROJECT_VERSION=... -P version.cmake
execute_process(
  COMMAND git describe --always --dirty --abbrev=12
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE CCAAS_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT CCAAS_GIT_COMMIT AND DEFINED ENV{CCAAS_BUILDER_COMMIT})
  # No git (an image build, a source tarball): the commit comes from whoever built it.
  set(CCAAS_GIT_COMMIT "$ENV{CCAAS_BUILDER_COMMIT}")
endif()
if(NOT CCAAS_GIT_COMMIT)
  set(CCAAS_GIT_COMMIT unknown)
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
