#include "engine/segment_format.h"

#include <cstring>

#include "common/crc32c.h"

namespace elanus::engine {
namespace {

constexpr size_t kHeaderSize = 32;
constexpr size_t kDirEntrySize = 64;
constexpr size_t kFooterSize = 32;
constexpr int64_t kTsFieldId = -1;
constexpr uint32_t kFlagVar = 1, kFlagValid = 2;

struct DirEntry {
  int64_t field_id;
  int32_t type;
  uint32_t flags;
  uint64_t data_off, data_len, offsets_off, valid_off;
  uint32_t crc;
};

template <typename T>
void Put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

void Align(std::string& out) { out.resize((out.size() + 63) & ~size_t{63}, '\0'); }

}  // namespace

std::string EncodeSegment(const CollectionSchema& schema, const Segment::Snapshot& snap) {
  const size_t rows = snap.rows;
  std::string out(kHeaderSize, '\0');
  std::vector<DirEntry> dir;
  auto for_rows = [&](auto&& fn) {  // fn(chunk, i) for every row in order
    for (const types::ChunkView& c : snap.chunks)
      for (size_t i = 0; i < c.rows; ++i) fn(c, i);
  };
  // Timestamps first, then one column per field.
  {
    Align(out);
    DirEntry e{kTsFieldId, 0, 0, out.size(), rows * 8, 0, 0, 0};
    for_rows([&](const types::ChunkView& c, size_t i) { Put(out, c.ts[i]); });
    e.crc = Crc32c(out.data() + e.data_off, e.data_len);
    dir.push_back(e);
  }
  for (size_t p = 0; p < schema.fields.size(); ++p) {
    const FieldSchema& f = schema.fields[p];
    size_t w = FixedWidth(f.type, f.dim);
    DirEntry e{f.field_id, static_cast<int32_t>(f.type), 0, 0, 0, 0, 0, 0};
    uint32_t crc = 0;
    if (w > 0) {
      Align(out);
      e.data_off = out.size();
      for_rows([&](const types::ChunkView& c, size_t i) {
        out.append(reinterpret_cast<const char*>(c.columns[p].fixed + i * w), w);
      });
      e.data_len = out.size() - e.data_off;
      crc = Crc32c(out.data() + e.data_off, e.data_len);
    } else {
      e.flags |= kFlagVar;
      Align(out);
      e.offsets_off = out.size();
      uint64_t off = 0;
      Put(out, off);
      for_rows([&](const types::ChunkView& c, size_t i) {
        off += c.columns[p].var[i].size();
        Put(out, off);
      });
      crc = Crc32c(out.data() + e.offsets_off, (rows + 1) * 8);
      Align(out);
      e.data_off = out.size();
      for_rows([&](const types::ChunkView& c, size_t i) { out.append(c.columns[p].var[i]); });
      e.data_len = out.size() - e.data_off;
      crc = Crc32c(out.data() + e.data_off, e.data_len, crc);
    }
    if (f.nullable) {
      e.flags |= kFlagValid;
      Align(out);
      e.valid_off = out.size();
      for_rows([&](const types::ChunkView& c, size_t i) {
        out.push_back(static_cast<char>(c.columns[p].valid[i]));
      });
      crc = Crc32c(out.data() + e.valid_off, rows, crc);
    }
    e.crc = crc;
    dir.push_back(e);
  }
  Align(out);
  uint64_t dir_off = out.size();
  for (const DirEntry& e : dir) {
    size_t start = out.size();
    Put(out, e.field_id);
    Put(out, e.type);
    Put(out, e.flags);
    Put(out, e.data_off);
    Put(out, e.data_len);
    Put(out, e.offsets_off);
    Put(out, e.valid_off);
    Put(out, e.crc);
    out.resize(start + kDirEntrySize, '\0');
  }
  uint64_t dir_len = out.size() - dir_off;
  uint32_t dir_crc = Crc32c(out.data() + dir_off, dir_len);
  Put(out, dir_off);
  Put(out, dir_len);
  Put(out, dir_crc);
  Put(out, uint32_t{0});
  out.append(kSegmentFooterMagic, 8);
  // Header.
  std::memcpy(out.data(), kSegmentMagic, 8);
  uint32_t ncols = static_cast<uint32_t>(dir.size());
  uint64_t nrows = rows;
  std::memcpy(out.data() + 8, &kSegmentFormatVersion, 4);
  std::memcpy(out.data() + 12, &ncols, 4);
  std::memcpy(out.data() + 16, &nrows, 8);
  uint32_t hcrc = Crc32c(out.data(), 28);
  std::memcpy(out.data() + 28, &hcrc, 4);
  return out;
}

void SealedData::Views(size_t rows, std::vector<types::ChunkView>* out) const {
  if (rows == 0) return;
  out->push_back(view_);
  out->back().rows = std::min(rows, view_.rows);
}

Result<std::shared_ptr<SealedData>> DecodeSegment(const CollectionSchema& schema,
                                                  std::unique_ptr<storage::Blob> blob) {
  std::string_view d = blob->data();
  auto bad = [](const std::string& why) { return Status::Corruption("segment file: " + why); };
  if (d.size() < kHeaderSize + kFooterSize) return bad("too short");
  if (std::memcmp(d.data(), kSegmentMagic, 8) != 0) return bad("bad magic");
  if (Load<uint32_t>(d.data() + 28) != Crc32c(d.data(), 28)) return bad("header checksum mismatch");
  uint32_t version = Load<uint32_t>(d.data() + 8);
  if (version != kSegmentFormatVersion) {
    return bad("unsupported format version " + std::to_string(version));
  }
  uint32_t ncols = Load<uint32_t>(d.data() + 12);
  uint64_t rows = Load<uint64_t>(d.data() + 16);
  const char* footer = d.data() + d.size() - kFooterSize;
  if (std::memcmp(footer + 24, kSegmentFooterMagic, 8) != 0) return bad("bad footer magic");
  uint64_t dir_off = Load<uint64_t>(footer), dir_len = Load<uint64_t>(footer + 8);
  if (dir_off > d.size() || dir_len != uint64_t{ncols} * kDirEntrySize ||
      dir_off + dir_len > d.size() - kFooterSize) {
    return bad("bad directory bounds");
  }
  if (Load<uint32_t>(footer + 16) != Crc32c(d.data() + dir_off, dir_len)) {
    return bad("directory checksum mismatch");
  }
  if (ncols != schema.fields.size() + 1) return bad("column count does not match the schema");
  if (rows > d.size()) return bad("row count larger than the file");

  auto sd = std::shared_ptr<SealedData>(new SealedData());
  sd->view_.row_begin = 0;
  sd->view_.rows = rows;
  sd->view_.columns.resize(schema.fields.size());
  sd->var_.resize(schema.fields.size());
  auto in_bounds = [&](uint64_t off, uint64_t len) {
    return off <= d.size() && len <= d.size() - off;
  };
  for (uint32_t k = 0; k < ncols; ++k) {
    const char* e = d.data() + dir_off + k * kDirEntrySize;
    DirEntry de{Load<int64_t>(e),       Load<int32_t>(e + 8),   Load<uint32_t>(e + 12),
                Load<uint64_t>(e + 16), Load<uint64_t>(e + 24), Load<uint64_t>(e + 32),
                Load<uint64_t>(e + 40), Load<uint32_t>(e + 48)};
    if (k == 0) {
      if (de.field_id != kTsFieldId || de.data_len != rows * 8 ||
          !in_bounds(de.data_off, de.data_len) || de.data_off % 8 != 0) {
        return bad("bad timestamp column");
      }
      if (Crc32c(d.data() + de.data_off, de.data_len) != de.crc) {
        return bad("timestamp column checksum mismatch");
      }
      sd->view_.ts = reinterpret_cast<const uint64_t*>(d.data() + de.data_off);
      continue;
    }
    const FieldSchema& f = schema.fields[k - 1];
    std::string col = "column '" + f.name + "': ";
    if (de.field_id != f.field_id || de.type != static_cast<int32_t>(f.type)) {
      return bad(col + "field id or type does not match the schema");
    }
    size_t w = FixedWidth(f.type, f.dim);
    bool var = (de.flags & kFlagVar) != 0;
    if (var != (w == 0) || ((de.flags & kFlagValid) != 0) != f.nullable) {
      return bad(col + "layout flags do not match the schema");
    }
    types::ColumnView& cv = sd->view_.columns[k - 1];
    uint32_t crc = 0;
    if (!var) {
      if (de.data_len != rows * w || !in_bounds(de.data_off, de.data_len)) {
        return bad(col + "bad data bounds");
      }
      crc = Crc32c(d.data() + de.data_off, de.data_len);
      cv.fixed = reinterpret_cast<const uint8_t*>(d.data() + de.data_off);
    } else {
      if (!in_bounds(de.offsets_off, (rows + 1) * 8) || !in_bounds(de.data_off, de.data_len)) {
        return bad(col + "bad data bounds");
      }
      crc = Crc32c(d.data() + de.offsets_off, (rows + 1) * 8);
      crc = Crc32c(d.data() + de.data_off, de.data_len, crc);
      auto views = std::make_unique<std::string_view[]>(rows);
      const char* offs = d.data() + de.offsets_off;
      uint64_t prev = Load<uint64_t>(offs);
      if (prev != 0) return bad(col + "bad offsets");
      for (uint64_t i = 0; i < rows; ++i) {
        uint64_t next = Load<uint64_t>(offs + (i + 1) * 8);
        if (next < prev || next > de.data_len) return bad(col + "bad offsets");
        views[i] = std::string_view(d.data() + de.data_off + prev, next - prev);
        prev = next;
      }
      cv.var = views.get();
      sd->var_[k - 1] = std::move(views);
    }
    if (f.nullable) {
      if (!in_bounds(de.valid_off, rows)) return bad(col + "bad validity bounds");
      crc = Crc32c(d.data() + de.valid_off, rows, crc);
      cv.valid = reinterpret_cast<const uint8_t*>(d.data() + de.valid_off);
    }
    if (crc != de.crc) return bad(col + "checksum mismatch");
  }
  sd->blob_ = std::move(blob);
  return sd;
}

}  // namespace elanus::engine
