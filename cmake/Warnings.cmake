# Warnings as an INTERFACE target every svcmgr target links; -Werror when SVCMGR_WERROR is on.
add_library(svcmgr_warnings INTERFACE)
target_compile_options(svcmgr_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  # g++ 12 reports false positives for std::variant<..., std::string> at -O2 (GCC bug 105593).
  # GCC only: clang (the fuzz build) warns that it does not know the flag.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
if(SVCMGR_WERROR)
  target_compile_options(svcmgr_warnings INTERFACE -Werror)
endif()
