#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = lineage::cli::Run(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
