#include "server/grpc_convert.h"

#include <gtest/gtest.h>

#include <cstring>

namespace elanus::server {
namespace {

pb_schema::CollectionSchema ProtoSchema() {
  pb_schema::CollectionSchema s;
  s.set_name("c");
  s.set_enable_dynamic_field(true);
  auto* id = s.add_fields();
  id->set_name("id");
  id->set_data_type(pb_schema::Int64);
  id->set_is_primary_key(true);
  id->set_autoid(true);
  auto* vec = s.add_fields();
  vec->set_name("v");
  vec->set_data_type(pb_schema::FloatVector);
  auto* dim = vec->add_type_params();
  dim->set_key("dim");
  dim->set_value("4");
  auto* tag = s.add_fields();
  tag->set_name("tag");
  tag->set_data_type(pb_schema::VarChar);
  tag->set_nullable(true);
  auto* ml = tag->add_type_params();
  ml->set_key("max_length");
  ml->set_value("32");
  tag->mutable_default_value()->set_string_data("none");
  return s;
}

TEST(GrpcConvertTest, SchemaRoundTripHidesTheDynamicField) {
  auto s = SchemaFromProto(ProtoSchema());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->fields.size(), 3u);
  EXPECT_TRUE(s->fields[0].auto_id);
  EXPECT_EQ(s->fields[1].dim, 4);
  EXPECT_EQ(s->fields[2].max_length, 32);
  ASSERT_TRUE(s->fields[2].default_value.has_value());
  EXPECT_EQ(std::get<std::string>(*s->fields[2].default_value), "none");

  s->fields.push_back(FieldSchema{.name = "$meta", .type = DataType::kJson, .is_dynamic = true});
  pb_schema::CollectionSchema out;
  SchemaToProto(*s, &out);
  ASSERT_EQ(out.fields_size(), 3);  // `$meta` is not listed
  EXPECT_TRUE(out.enable_dynamic_field());
  EXPECT_TRUE(out.fields(0).autoid());
  EXPECT_EQ(out.fields(1).type_params(0).key(), "dim");
  EXPECT_EQ(out.fields(1).type_params(0).value(), "4");
  EXPECT_EQ(out.fields(2).default_value().string_data(), "none");
  EXPECT_TRUE(out.fields(2).nullable());
}

TEST(GrpcConvertTest, RejectsUnsupportedTypesNamingTheField) {
  pb_schema::CollectionSchema s = ProtoSchema();
  auto* f = s.add_fields();
  f->set_name("geo");
  f->set_data_type(pb_schema::Geometry);
  auto r = SchemaFromProto(s);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("geo"), std::string::npos);
  EXPECT_NE(r.status().message().find("Geometry"), std::string::npos);
}

TEST(GrpcConvertTest, CompactNullableColumnsAreWidened) {
  pb_schema::FieldData fd;
  fd.set_type(pb_schema::Int32);
  fd.set_field_name("n");
  fd.mutable_scalars()->mutable_int_data()->add_data(5);
  fd.mutable_scalars()->mutable_int_data()->add_data(7);
  for (bool b : {false, true, false, true}) fd.add_valid_data(b);
  FieldSchema f{.name = "n", .type = DataType::kInt32, .nullable = true};
  auto c = ColumnFromProto(fd, &f);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ints, (std::vector<int64_t>{0, 5, 0, 7}));
  EXPECT_EQ(c->valid, (std::vector<uint8_t>{0, 1, 0, 1}));

  pb_schema::FieldData back;
  ColumnToProto(*c, &f, &back);
  EXPECT_EQ(back.scalars().int_data().data_size(), 4);  // full form: one slot per row
  EXPECT_EQ(back.valid_data_size(), 4);
}

TEST(GrpcConvertTest, SparseRowsArePackedIndexValuePairs) {
  pb_schema::FieldData fd;
  fd.set_type(pb_schema::SparseFloatVector);
  fd.set_field_name("s");
  std::string row(16, '\0');
  uint32_t i0 = 3, i1 = 10;
  float v0 = 0.5f, v1 = 2.0f;
  std::memcpy(&row[0], &i0, 4);
  std::memcpy(&row[4], &v0, 4);
  std::memcpy(&row[8], &i1, 4);
  std::memcpy(&row[12], &v1, 4);
  fd.mutable_vectors()->mutable_sparse_float_vector()->add_contents(row);
  auto c = ColumnFromProto(fd, nullptr);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->sparse.size(), 1u);
  EXPECT_EQ(c->sparse[0].indices, (std::vector<uint32_t>{3, 10}));
  EXPECT_EQ(c->sparse[0].values, (std::vector<float>{0.5f, 2.0f}));
  pb_schema::FieldData back;
  ColumnToProto(*c, nullptr, &back);
  EXPECT_EQ(back.vectors().sparse_float_vector().contents(0), row);
  EXPECT_EQ(back.vectors().sparse_float_vector().dim(), 11);
}

TEST(GrpcConvertTest, PlaceholderGroupDecodesFloatQueriesAndChecksDim) {
  pb_common::PlaceholderGroup g;
  auto* ph = g.add_placeholders();
  ph->set_tag("$0");
  ph->set_type(pb_common::PlaceholderType::FloatVector);
  float q[2][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}};
  for (auto& row : q) ph->add_values(std::string(reinterpret_cast<char*>(row), sizeof(row)));
  FieldSchema f{.name = "v", .type = DataType::kFloatVector, .dim = 4};
  auto c = QueriesFromPlaceholder(g.SerializeAsString(), f);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->NumRows(), 2u);
  EXPECT_EQ(c->floats[5], 6.0f);

  f.dim = 8;
  auto bad = QueriesFromPlaceholder(g.SerializeAsString(), f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("dimension"), std::string::npos);
}

}  // namespace
}  // namespace elanus::server
