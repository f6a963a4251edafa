#include "dadeum/stats.hpp"
