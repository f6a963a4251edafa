// Where things are in a JSON text that simdjson has already validated: the byte ranges of
// members and elements, so that the writer can patch single strings in place.
#pragma once

#include <string_view>
#include <vector>

#include "dadeum/example.hpp"

namespace dadeum::detail {

struct MemberSpan {
  Span key;    //!< the key token, quotes included
  Span value;  //!< the value's text
};

//! Members of the object whose text is `object`, in source order.
std::vector<MemberSpan> object_members(std::string_view json, Span object);
//! The same into `members` (cleared first), which keeps its capacity from record to record.
void object_members(std::string_view json, Span object, std::vector<MemberSpan>& members);
//! Elements of the array whose text is `array`, in source order.
std::vector<Span> array_elements(std::string_view json, Span array);
//! The whole top-level value of `json` without surrounding whitespace.
Span root_span(std::string_view json);

}  // namespace dadeum::detail
