# The one place for compiler warnings. Every candor target calls candor_warnings().
function(candor_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough)
  if(CANDOR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
