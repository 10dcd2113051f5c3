# Warnings as an INTERFACE target every svcmgr target links; -Werror when SVCMGR_WERROR is on.
add_library(svcmgr_warnings INTERFACE)
target_compile_options(svcmgr_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(SVCMGR_WERROR)
  target_compile_options(svcmgr_warnings INTERFACE -Werror)
endif()
