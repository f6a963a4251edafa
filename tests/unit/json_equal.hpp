// Compares two JSON texts as values: same keys in the same order, same strings and numbers.
#pragma once

#include <simdjson.h>

#include <string>

namespace dadeum::testing {

inline bool same_json_value(simdjson::dom::element a, simdjson::dom::element b, std::string& why) {
  if (a.type() != b.type()) {
    why = "types differ";
    return false;
  }
  switch (a.type()) {
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object oa = a.get_object().value(), ob = b.get_object().value();
      auto ia = oa.begin(), ib = ob.begin();
      for (; ia != oa.end() && ib != ob.end(); ++ia, ++ib) {
        if (ia.key() != ib.key()) {
          why = "key order differs: " + std::string(ia.key()) + " vs " + std::string(ib.key());
          return false;
        }
        if (!same_json_value(ia.value(), ib.value(), why)) return false;
      }
      if (ia != oa.end() || ib != ob.end()) why = "member count differs";
      return ia == oa.end() && ib == ob.end();
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array xa = a.get_array().value(), xb = b.get_array().value();
      auto ia = xa.begin(), ib = xb.begin();
      for (; ia != xa.end() && ib != xb.end(); ++ia, ++ib) {
        if (!same_json_value(*ia, *ib, why)) return false;
      }
      if (ia != xa.end() || ib != xb.end()) why = "array length differs";
      return ia == xa.end() && ib == xb.end();
    }
    case simdjson::dom::element_type::STRING:
      if (a.get_string().value() != b.get_string().value()) why = "strings differ";
      return a.get_string().value() == b.get_string().value();
    case simdjson::dom::element_type::INT64:
      return a.get_int64().value() == b.get_int64().value();
    case simdjson::dom::element_type::UINT64:
      return a.get_uint64().value() == b.get_uint64().value();
    case simdjson::dom::element_type::DOUBLE:
      return a.get_double().value() == b.get_double().value();
    case simdjson::dom::element_type::BOOL:
      return a.get_bool().value() == b.get_bool().value();
    case simdjson::dom::element_type::NULL_VALUE:
      return true;
  }
  return false;
}

//! True when both texts parse to the same value; `why` says what differs.
inline bool same_json(const std::string& a, const std::string& b, std::string& why) {
  simdjson::dom::parser pa, pb;
  simdjson::padded_string sa(a), sb(b);
  auto ea = pa.parse(sa), eb = pb.parse(sb);
  if (ea.error() || eb.error()) {
    why = "does not parse";
    return false;
  }
  return same_json_value(ea.value(), eb.value(), why);
}

}  // namespace dadeum::testing
