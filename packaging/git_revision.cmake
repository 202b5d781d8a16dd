# Writes OUTPUT: `#define RESVK_GIT_REVISION "<short hash>[-dirty]"` for the checkout at
# SOURCE_DIR ("unknown" outside git, e.g. a source tarball). Run at every build
# (cmake -P), so `resvk --version` names the commit the binary was built from; the
# file is rewritten only when the revision changes, so nothing recompiles otherwise.
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE revision RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(failed)
  set(revision "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" diff --quiet HEAD RESULT_VARIABLE changed ERROR_QUIET)
  if(changed EQUAL 1)
    string(APPEND revision "-dirty")
  endif()
endif()
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "#define RESVK_GIT_REVISION \"${revision}\"\n" @ONLY)
