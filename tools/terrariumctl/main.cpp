// terrariumctl: the operator's command line for a running terrariumd (terrariumctl(1)).
#include "TerrariumCtl.h"

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>


int main(int argc, char** argv)
{
    std::map<std::string, std::string> environment;
    for (const char* variable : {"TERRARIUM_ADMIN_URL", "TERRARIUM_ADMIN_TOKEN_FILE", "TERRARIUM_STATE_DIR"})
        if (const char* value = std::getenv(variable)) environment[variable] = value;
    terrarium::ctl::TerrariumCtl ctl(std::cout, std::cerr, environment);
    return ctl.run(std::vector<std::string>(argv, argv + argc));
}
