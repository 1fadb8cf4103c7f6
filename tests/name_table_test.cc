// The model name index of src/infer/name_table.h: chains in insertion
// order, its folding, exact lower-case names, and growth past the first size.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "infer/name_table.h"

using lineage::infer_internal::ModelNames;

TEST_CASE("model names chain the holders of one folded name in the order added", "[infer]") {
  ModelNames names;
  uint32_t dashed = 0;
  CHECK(names.Add("Qwen/Qwen2.5-7B-Instruct", &dashed) == 0);
  uint32_t first_dashed = dashed;
  CHECK(names.Add("alice/qwen2.5-7b-instruct") == 1);
  CHECK(names.Add("bob/Qwen2.5_7B_Instruct", &dashed) == 2);
  CHECK(names.Add("carol/other") == 3);
  CHECK(names.size() == 4);
  CHECK(names.Id(2) == "bob/Qwen2.5_7B_Instruct");

  SECTION("exact lower-case names keep '_' apart") {
    CHECK(names.Named("qwen2.5-7b-instruct") ==
          std::vector<std::string>{"Qwen/Qwen2.5-7B-Instruct", "alice/qwen2.5-7b-instruct"});
    CHECK(names.Named("qwen2.5_7b_instruct") ==
          std::vector<std::string>{"bob/Qwen2.5_7B_Instruct"});
    CHECK(names.Named("qwen2.5 7b instruct").empty());
    CHECK(names.Named("other") == std::vector<std::string>{"carol/other"});
  }
  SECTION("the index reads '_' and ' ' as '-'") {
    CHECK(dashed == first_dashed);
    uint32_t c = names.Find("qwen2.5-7b-instruct");
    REQUIRE(c == first_dashed);
    CHECK(names.chain(c).count == 3);
    std::vector<std::string> ids;
    for (uint32_t i = names.chain(c).first; i != ModelNames::kEnd; i = names.Next(i)) {
      ids.emplace_back(names.Id(i));
    }
    CHECK(ids == std::vector<std::string>{"Qwen/Qwen2.5-7B-Instruct", "alice/qwen2.5-7b-instruct",
                                          "bob/Qwen2.5_7B_Instruct"});
    CHECK(names.Ids(c) == ids);
    CHECK(names.Find("qwen2.5-7b") == ModelNames::kEnd);
  }
}

TEST_CASE("model names find every name after the tables grow", "[infer]") {
  ModelNames names;
  for (int i = 0; i < 50000; ++i) {
    names.Add("ns" + std::to_string(i % 7) + "/Model-" + std::to_string(i / 2));
  }
  for (int i = 0; i < 25000; i += 997) {
    uint32_t c = names.Find("model-" + std::to_string(i));
    REQUIRE(c != ModelNames::kEnd);
    CHECK(names.chain(c).count == 2);
    CHECK(names.Id(names.chain(c).first) ==
          "ns" + std::to_string((2 * i) % 7) + "/Model-" + std::to_string(i));
  }
  CHECK(names.Find("model-25000") == ModelNames::kEnd);
  CHECK(names.Named("model-24999").size() == 2);
}
