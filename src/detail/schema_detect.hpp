#pragma once

#include <string_view>
#include <vector>

#include "dadeum/reader.hpp"

namespace dadeum::detail {

//! The schema a record with these top-level keys has (or the one --map implies).
Schema detect_schema(const std::vector<std::string_view>& keys, const std::vector<FieldMapping>& map);

//! The schema of an input, from the first records of its first batch that parse.
Schema detect_batch_schema(Batch& batch, const ReadOptions& options, size_t max_records = 256);

}  // namespace dadeum::detail

namespace dadeum {
//! Parses the records of a batch outside a pipeline (single-threaded).
void parse_batch_records(Batch& batch, Schema schema, const std::vector<FieldMapping>& map);
}  // namespace dadeum
