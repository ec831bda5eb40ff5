// terrarium-sign: signing keys, plugin signatures (FILE.so.sig) and their verification.
#include "SignTool.h"

#include <iostream>

int main(int argc, char** argv)
{
    return terrarium::SignTool::run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
