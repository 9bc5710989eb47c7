#include "s3/lifecycle_xml.h"

#include <gtest/gtest.h>

#include "s3/xml.h"

namespace cairn {
namespace {

const std::set<std::string> kClasses = {"STANDARD", "COLD", "ARCHIVE"};

std::string Config(const std::string& rules) {
  return "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + rules +
         "</LifecycleConfiguration>";
}

// A rule with an ID, a Status, and what it is given.
std::string Rule(const std::string& body, const std::string& id = "r1") {
  return "<Rule><ID>" + id + "</ID><Status>Enabled</Status>" + body + "</Rule>";
}

const char* kExpire = "<Expiration><Days>3</Days></Expiration>";

Result<LifecycleRules> Parse(const std::string& body) {
  return ParseLifecycleConfiguration(body, kClasses);
}

// The S3 code of a refusal ("ok" when accepted).
std::string CodeOf(const std::string& body) {
  auto r = Parse(body);
  return r.ok() ? "ok" : r.status().s3_code();
}
std::string MessageOf(const std::string& body) {
  auto r = Parse(body);
  return r.ok() ? "ok" : r.status().message();
}

// Put, render, parse again: the rendering says the same as what was put.
LifecycleRules RoundTrip(const std::string& body) {
  auto first = Parse(body);
  EXPECT_TRUE(first.ok()) << first.status().ToString();
  if (!first.ok()) return {};
  std::string rendered = RenderLifecycleConfiguration(first.value());
  auto second = Parse(rendered);
  EXPECT_TRUE(second.ok()) << second.status().ToString() << "\n" << rendered;
  if (!second.ok()) return {};
  EXPECT_EQ(RenderLifecycleConfiguration(second.value()), rendered);
  return second.value();
}

TEST(LifecycleXml, LegacyPrefixRulesRoundTrip) {
  auto rules = RoundTrip(Config(
      "<Rule><ID>test1/</ID><Prefix>test1/</Prefix><Status>Enabled</Status>"
      "<Expiration><Days>31</Days></Expiration></Rule>"
      "<Rule><ID>test2/</ID><Prefix>test2/</Prefix><Status>Disabled</Status>"
      "<Expiration><Days>120</Days></Expiration></Rule>"));
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].id, "test1/");
  EXPECT_EQ(rules[0].filter_form, "prefix");
  EXPECT_EQ(rules[0].prefix, "test1/");
  EXPECT_TRUE(rules[0].enabled);
  EXPECT_EQ(rules[0].expiration_days, 31);
  EXPECT_FALSE(rules[1].enabled);
  EXPECT_EQ(rules[1].expiration_days, 120);
  std::string xml = RenderLifecycleConfiguration(rules);
  EXPECT_NE(xml.find("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<Rule><ID>test1/</ID><Prefix>test1/</Prefix><Status>Enabled</Status>"
                     "<Expiration><Days>31</Days></Expiration></Rule>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<Filter>"), std::string::npos);
}

TEST(LifecycleXml, EveryFilterFormRoundTrips) {
  auto rules = RoundTrip(Config(
      Rule("<Filter></Filter>" + std::string(kExpire), "empty") +
      Rule("<Filter><Prefix>logs/</Prefix></Filter>" + std::string(kExpire), "prefix") +
      Rule("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>" + std::string(kExpire),
           "tag") +
      Rule("<Filter><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan></Filter>" +
               std::string(kExpire),
           "gt") +
      Rule("<Filter><ObjectSizeLessThan>200</ObjectSizeLessThan></Filter>" + std::string(kExpire),
           "lt") +
      Rule("<Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag>"
           "<Tag><Key>b</Key><Value></Value></Tag><ObjectSizeGreaterThan>0</ObjectSizeGreaterThan>"
           "<ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>" +
               std::string(kExpire),
           "and") +
      Rule("<Filter><And><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value>"
           "</Tag></And></Filter>" +
               std::string(kExpire),
           "and-tags") +
      Rule("<Filter><And><Prefix></Prefix><Tag><Key>a</Key><Value>1</Value></Tag></And></Filter>" +
               std::string(kExpire),
           "and-empty-prefix")));
  ASSERT_EQ(rules.size(), 8u);
  EXPECT_EQ(rules[0].filter_form, "filter");
  EXPECT_EQ(rules[0].prefix, "");
  EXPECT_EQ(rules[1].filter_form, "filter");
  EXPECT_EQ(rules[1].prefix, "logs/");
  ASSERT_EQ(rules[2].tags.size(), 1u);
  EXPECT_EQ(rules[2].tags[0], std::make_pair(std::string("k"), std::string("v")));
  EXPECT_EQ(rules[3].size_greater_than, 100);
  EXPECT_EQ(rules[3].size_less_than, -1);
  EXPECT_EQ(rules[4].size_less_than, 200);
  EXPECT_EQ(rules[5].filter_form, "and");
  EXPECT_EQ(rules[5].prefix, "p/");
  ASSERT_EQ(rules[5].tags.size(), 2u);
  EXPECT_EQ(rules[5].tags[1].second, "");
  EXPECT_EQ(rules[5].size_greater_than, 0);
  EXPECT_EQ(rules[5].size_less_than, 10);
  EXPECT_EQ(rules[6].filter_form, "and");
  EXPECT_EQ(rules[6].tags.size(), 2u);
  EXPECT_EQ(rules[7].filter_form, "and");
  EXPECT_EQ(rules[7].tags.size(), 1u);
  std::string xml = RenderLifecycleConfiguration(rules);
  EXPECT_NE(xml.find("<ID>tag</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<ID>and-tags</ID><Filter><And><Tag>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<ID>and-empty-prefix</ID><Filter><And><Prefix></Prefix><Tag>"),
            std::string::npos)
      << xml;
}

TEST(LifecycleXml, EveryActionRoundTrips) {
  auto rules = RoundTrip(Config(
      Rule("<Filter><Prefix>a/</Prefix></Filter>"
           "<Transition><Days>0</Days><StorageClass>COLD</StorageClass></Transition>"
           "<Transition><Days>30</Days><StorageClass>ARCHIVE</StorageClass></Transition>"
           "<Expiration><Days>365</Days></Expiration>"
           "<NoncurrentVersionTransition><NoncurrentDays>2</NoncurrentDays>"
           "<StorageClass>COLD</StorageClass></NoncurrentVersionTransition>"
           "<NoncurrentVersionTransition><NoncurrentDays>4</NoncurrentDays>"
           "<NewerNoncurrentVersions>3</NewerNoncurrentVersions>"
           "<StorageClass>ARCHIVE</StorageClass></NoncurrentVersionTransition>"
           "<NoncurrentVersionExpiration><NoncurrentDays>6</NoncurrentDays>"
           "<NewerNoncurrentVersions>5</NewerNoncurrentVersions></NoncurrentVersionExpiration>"
           "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation>"
           "</AbortIncompleteMultipartUpload>",
           "all") +
      Rule("<Filter><Prefix>b/</Prefix></Filter>"
           "<Transition><Date>2026-06-01T00:00:00Z</Date><StorageClass>COLD</StorageClass>"
           "</Transition><Expiration><Date>2026-12-01T00:00:00.000Z</Date></Expiration>",
           "dates") +
      Rule("<Filter><Prefix>c/</Prefix></Filter>"
           "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>",
           "dm")));
  ASSERT_EQ(rules.size(), 3u);
  const auto& a = rules[0];
  ASSERT_EQ(a.transitions.size(), 2u);
  EXPECT_EQ(a.transitions[0].days, 0);
  EXPECT_EQ(a.transitions[0].storage_class, "COLD");
  EXPECT_EQ(a.transitions[1].days, 30);
  EXPECT_EQ(a.expiration_days, 365);
  ASSERT_EQ(a.noncurrent_transitions.size(), 2u);
  EXPECT_EQ(a.noncurrent_transitions[0].noncurrent_days, 2);
  EXPECT_EQ(a.noncurrent_transitions[0].newer_noncurrent_versions, -1);
  EXPECT_EQ(a.noncurrent_transitions[1].newer_noncurrent_versions, 3);
  EXPECT_EQ(a.noncurrent_days, 6);
  EXPECT_EQ(a.newer_noncurrent_versions, 5);
  EXPECT_EQ(a.abort_upload_days, 7);
  const auto& d = rules[1];
  EXPECT_EQ(d.expiration_date_ms, 1796083200000);  // 2026-12-01
  EXPECT_EQ(d.expiration_days, -1);
  ASSERT_EQ(d.transitions.size(), 1u);
  EXPECT_EQ(d.transitions[0].date_ms, 1780272000000);  // 2026-06-01
  EXPECT_EQ(d.transitions[0].days, -1);
  EXPECT_TRUE(rules[2].expired_object_delete_marker);
  std::string xml = RenderLifecycleConfiguration(rules);
  EXPECT_NE(xml.find("<Expiration><Date>2026-12-01T00:00:00.000Z</Date></Expiration>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Transition><Date>2026-06-01T00:00:00.000Z</Date>"
                     "<StorageClass>COLD</StorageClass></Transition>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"),
            std::string::npos);
}

TEST(LifecycleXml, DateFormsSdksSend) {
  for (const char* date : {"2026-12-01", "2026-12-01T00:00:00Z", "2026-12-01T00:00:00.000Z",
                           "2026-12-01T00:00:00+00:00", "2026-12-01T01:00:00+01:00"}) {
    auto r = Parse(Config(Rule("<Filter></Filter><Expiration><Date>" + std::string(date) +
                               "</Date></Expiration>")));
    ASSERT_TRUE(r.ok()) << date << ": " << r.status().ToString();
    EXPECT_EQ(r.value()[0].expiration_date_ms, 1796083200000) << date;
  }
}

TEST(LifecycleXml, MissingOrEmptyIdsAreGeneratedAndUnique) {
  auto r = Parse(Config(
      "<Rule><Prefix>a/</Prefix><Status>Enabled</Status>" + std::string(kExpire) + "</Rule>"
      "<Rule><ID></ID><Prefix>b/</Prefix><Status>Enabled</Status>" + std::string(kExpire) +
      "</Rule>"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value()[0].id.size(), 48u);
  EXPECT_EQ(r.value()[1].id.size(), 48u);
  EXPECT_NE(r.value()[0].id, r.value()[1].id);
  // Empty IDs are not duplicates of one another.
  EXPECT_EQ(CodeOf(Config(Rule("<Filter><Prefix>a</Prefix></Filter>" + std::string(kExpire), "") +
                          Rule("<Filter><Prefix>b</Prefix></Filter>" + std::string(kExpire), ""))),
            "ok");
}

TEST(LifecycleXml, IdsAndTextAreEscapedWhenRendered) {
  auto rules = RoundTrip(Config(Rule(
      "<Filter><Prefix>a&amp;b&lt;</Prefix></Filter>" + std::string(kExpire), "x&quot;&lt;y")));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].id, "x\"<y");
  EXPECT_EQ(rules[0].prefix, "a&b<");
}

TEST(LifecycleXml, SchemaFaultsAreMalformedXml) {
  const std::string e = kExpire;
  const std::vector<std::string> bodies = {
      "not xml",
      "<Lifecycle><Rule/></Lifecycle>",
      Config(Rule(e) + "<Other/>"),
      Config(Rule("<Filter></Filter>" + e + "<Unknown>1</Unknown>")),
      Config("<Rule><ID>a</ID><Status>enabled</Status><Filter/>" + e + "</Rule>"),
      Config("<Rule><ID>a</ID><Status>disabled</Status><Filter/>" + e + "</Rule>"),
      Config("<Rule><ID>a</ID><Status>invalid</Status><Filter/>" + e + "</Rule>"),
      Config("<Rule><ID>a</ID><Filter/>" + e + "</Rule>"),  // no Status
      Config(Rule(e)),                                      // neither Prefix nor Filter
      Config(Rule("<Prefix>a</Prefix><Filter></Filter>" + e)),
      Config(Rule("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>" +
                  e)),
      Config(Rule("<Filter><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan>"
                  "<ObjectSizeLessThan>9</ObjectSizeLessThan></Filter>" + e)),
      Config(Rule("<Filter><Prefix>a</Prefix><And><Prefix>b</Prefix>"
                  "<Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>" + e)),
      Config(Rule("<Filter><And><Prefix>b</Prefix></And></Filter>" + e)),  // And of one
      Config(Rule("<Filter><And></And></Filter>" + e)),
      Config(Rule("<Filter><Tag><Value>v</Value></Tag></Filter>" + e)),  // Tag without Key
      Config(Rule("<Filter><ObjectSizeLessThan>ten</ObjectSizeLessThan></Filter>" + e)),
      Config(Rule("<Filter/><Expiration/>")),
      Config(Rule("<Filter/><Expiration><Days>1</Days><Date>2026-12-01T00:00:00Z</Date>"
                  "</Expiration>")),
      Config(Rule("<Filter/><Expiration><Days>1</Days>"
                  "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")),
      Config(Rule("<Filter/><Expiration><Date>2026-12-01T00:00:00Z</Date>"
                  "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")),
      Config(Rule("<Filter/><Expiration><ExpiredObjectDeleteMarker>yes"
                  "</ExpiredObjectDeleteMarker></Expiration>")),
      Config(Rule("<Filter/><Expiration><Days>x</Days></Expiration>")),
      Config(Rule("<Filter/><Expiration><Days>99999999999</Days></Expiration>")),
      Config(Rule("<Filter/><Expiration><Date>Fri, 01 Jan 2016 00:00:00 GMT</Date></Expiration>")),
      Config(Rule("<Filter/><Expiration><Date>20200101</Date></Expiration>")),
      Config(Rule("<Filter/><Expiration><Date>2026-02-30T00:00:00Z</Date></Expiration>")),
      Config(Rule("<Filter/>" + e + e)),  // two Expirations
      Config(Rule("<Filter/><NoncurrentVersionExpiration/>")),
      Config(Rule("<Filter/><NoncurrentVersionExpiration><NewerNoncurrentVersions>2"
                  "</NewerNoncurrentVersions></NoncurrentVersionExpiration>")),
      Config(Rule("<Filter/><AbortIncompleteMultipartUpload/>")),
      Config(Rule("<Filter/><Transition><Days>1</Days></Transition>")),  // no StorageClass
      Config(Rule("<Filter/><Transition><StorageClass>COLD</StorageClass></Transition>")),
      Config(Rule("<Filter/><Transition><Days>1</Days><Date>2026-12-01T00:00:00Z</Date>"
                  "<StorageClass>COLD</StorageClass></Transition>")),
      Config(Rule("<Filter/><NoncurrentVersionTransition><StorageClass>COLD</StorageClass>"
                  "</NoncurrentVersionTransition>")),
      Config(Rule("<Filter/><Expiration><Days><b>1</b></Days></Expiration>")),
      Config(Rule("text<Filter/>" + e)),
  };
  for (const auto& body : bodies) EXPECT_EQ(CodeOf(body), "MalformedXML") << body;
}

TEST(LifecycleXml, RuleCountIsBounded) {
  EXPECT_EQ(CodeOf(Config("")), "InvalidRequest");
  EXPECT_EQ(MessageOf(Config("")), "At least one lifecycle rule must be specified.");
  std::string many;
  for (int i = 0; i < 1001; ++i) {
    many += Rule("<Filter><Prefix>p" + std::to_string(i) + "/</Prefix></Filter>" +
                     std::string(kExpire),
                 "r" + std::to_string(i));
  }
  EXPECT_EQ(CodeOf(Config(many)), "InvalidRequest");
  EXPECT_EQ(MessageOf(Config(many)),
            "The number of lifecycle rules must not exceed the allowed limit of 1000 rules.");
}

struct Refusal {
  std::string rules;
  std::string code;
  std::string message;
};

TEST(LifecycleXml, RefusalsCarryS3sCodeAndMessage) {
  const std::string e = kExpire;
  const std::string f = "<Filter></Filter>";
  const std::vector<Refusal> refusals = {
      {Rule(f + e, std::string(256, 'a')), "InvalidArgument",
       "ID length should not exceed allowed limit of 255"},
      {Rule("<Filter><Prefix>a</Prefix></Filter>" + e, "same") +
           Rule("<Filter><Prefix>b</Prefix></Filter>" + e, "same"),
       "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"},
      {Rule(f), "InvalidRequest", "At least one action needs to be specified in a rule"},
      {Rule(f + "<Expiration><Days>0</Days></Expiration>"), "InvalidArgument",
       "'Days' for Expiration action must be a positive integer"},
      {Rule(f + "<Expiration><Days>-1</Days></Expiration>"), "InvalidArgument",
       "'Days' for Expiration action must be a positive integer"},
      {Rule(f + "<Expiration><Date>2026-12-01T10:00:00Z</Date></Expiration>"), "InvalidArgument",
       "'Date' must be at midnight GMT"},
      {Rule(f + "<Expiration><Date>1970-08-23T03:28:21Z</Date></Expiration>"), "InvalidArgument",
       "'Date' must be at midnight GMT"},
      {Rule(f + "<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays>"
                "</NoncurrentVersionExpiration>"),
       "InvalidArgument",
       "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"},
      {Rule(f + "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
                "<NewerNoncurrentVersions>0</NewerNoncurrentVersions>"
                "</NoncurrentVersionExpiration>"),
       "InvalidArgument",
       "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive "
       "integer up to 100"},
      {Rule(f + "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
                "<NewerNoncurrentVersions>101</NewerNoncurrentVersions>"
                "</NoncurrentVersionExpiration>"),
       "InvalidArgument",
       "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive "
       "integer up to 100"},
      {Rule(f + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation>"
                "</AbortIncompleteMultipartUpload>"),
       "InvalidArgument",
       "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
       "integer"},
      {Rule("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
            "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
            "</AbortIncompleteMultipartUpload>"),
       "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags."},
      {Rule("<Filter><And><Prefix>a</Prefix><ObjectSizeLessThan>5</ObjectSizeLessThan></And>"
            "</Filter><AbortIncompleteMultipartUpload><DaysAfterInitiation>1"
            "</DaysAfterInitiation></AbortIncompleteMultipartUpload>"),
       "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Object Size."},
      {Rule("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Expiration>"
            "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"),
       "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags."},
      {Rule("<Filter><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan></Filter><Expiration>"
            "<ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker></Expiration>"),
       "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Object Size."},
      {Rule("<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
            "<ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>" + e),
       "InvalidArgument",
       "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'."},
      {Rule("<Filter><ObjectSizeLessThan>0</ObjectSizeLessThan></Filter>" + e), "InvalidRequest",
       "'ObjectSizeLessThan' should be between 1 and 1099511627776000."},
      {Rule("<Filter><ObjectSizeGreaterThan>-1</ObjectSizeGreaterThan></Filter>" + e),
       "InvalidRequest", "'ObjectSizeGreaterThan' should be between 0 and 1099511627776000."},
      {Rule("<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key>"
            "<Value>2</Value></Tag></And></Filter>" + e),
       "InvalidRequest", "Duplicate Tag Keys are not allowed."},
      {Rule("<Filter><Tag><Key></Key><Value>1</Value></Tag></Filter>" + e), "InvalidTag",
       "The TagKey you have provided is invalid"},
      {Rule("<Filter><Tag><Key>k</Key><Value>" + std::string(257, 'v') + "</Value></Tag></Filter>" +
            e),
       "InvalidTag", "The TagValue you have provided is invalid"},
      {Rule("<Filter><Prefix>" + std::string(1025, 'p') + "</Prefix></Filter>" + e),
       "InvalidRequest", "The maximum size of a prefix is 1024"},
      {Rule(f + "<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition>"),
       "InvalidStorageClass", "The storage class you specified is not valid"},
      {Rule(f + "<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays>"
                "<StorageClass>NOPE</StorageClass></NoncurrentVersionTransition>"),
       "InvalidStorageClass", "The storage class you specified is not valid"},
      {Rule(f + "<Transition><Days>-3</Days><StorageClass>COLD</StorageClass></Transition>"),
       "InvalidArgument", "'Days' in Transition action must be nonnegative"},
      {Rule(f + "<Transition><Date>2026-12-01T00:00:01Z</Date><StorageClass>COLD</StorageClass>"
                "</Transition>"),
       "InvalidArgument", "'Date' must be at midnight GMT"},
      {Rule(f + "<Transition><Days>1</Days><StorageClass>COLD</StorageClass></Transition>"
                "<Transition><Days>5</Days><StorageClass>COLD</StorageClass></Transition>"),
       "InvalidRequest",
       "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter "
       "'(prefix=)'"},
      {Rule(f + "<Transition><Days>1</Days><StorageClass>COLD</StorageClass></Transition>"
                "<Transition><Date>2026-12-01</Date><StorageClass>ARCHIVE</StorageClass>"
                "</Transition>"),
       "InvalidRequest",
       "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter "
       "'(prefix=)'"},
      {Rule(f + "<Transition><Days>4</Days><StorageClass>COLD</StorageClass></Transition>"
                "<Transition><Days>4</Days><StorageClass>ARCHIVE</StorageClass></Transition>"),
       "InvalidArgument",
       "'Days' in the Transition action for StorageClass 'ARCHIVE' for filter '(prefix=)' must "
       "be different from 'Days' in the Transition action for StorageClass 'COLD'"},
      {Rule("<Filter><Prefix>logs/</Prefix></Filter>"
            "<Transition><Days>30</Days><StorageClass>COLD</StorageClass></Transition>"
            "<Expiration><Days>30</Days></Expiration>"),
       "InvalidArgument",
       "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' "
       "in the Transition action"},
      {Rule(f + "<Transition><Date>2026-12-01</Date><StorageClass>COLD</StorageClass>"
                "</Transition><Expiration><Date>2026-12-01</Date></Expiration>"),
       "InvalidArgument",
       "'Date' in the Expiration action for filter '(prefix=)' must be greater than 'Date' in "
       "the Transition action"},
      {Rule(f + "<Transition><Date>2026-12-01</Date><StorageClass>COLD</StorageClass>"
                "</Transition><Expiration><Days>300</Days></Expiration>"),
       "InvalidRequest",
       "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule "
       "for filter '(prefix=)'"},
      {Rule("<Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And>"
            "</Filter><NoncurrentVersionTransition><NoncurrentDays>5</NoncurrentDays>"
            "<StorageClass>COLD</StorageClass></NoncurrentVersionTransition>"
            "<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays>"
            "</NoncurrentVersionExpiration>"),
       "InvalidArgument",
       "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '(prefix=a/ and "
       "tag={key=k, value=v})' must be greater than 'NoncurrentDays' in the "
       "NoncurrentVersionTransition action"},
      {Rule(f + "<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays>"
                "<StorageClass>COLD</StorageClass></NoncurrentVersionTransition>"
                "<NoncurrentVersionTransition><NoncurrentDays>2</NoncurrentDays>"
                "<StorageClass>COLD</StorageClass></NoncurrentVersionTransition>"),
       "InvalidRequest",
       "'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same "
       "'Rule' with filter '(prefix=)'"},
      {Rule(f + "<NoncurrentVersionTransition><NoncurrentDays>-1</NoncurrentDays>"
                "<StorageClass>COLD</StorageClass></NoncurrentVersionTransition>"),
       "InvalidArgument",
       "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative"},
      {Rule(f + "<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays>"
                "<NewerNoncurrentVersions>101</NewerNoncurrentVersions>"
                "<StorageClass>COLD</StorageClass></NoncurrentVersionTransition>"),
       "InvalidArgument",
       "'NewerNoncurrentVersions' for NoncurrentVersionTransition action must be a positive "
       "integer up to 100"},
      // The two forms of rule do not mix in one configuration.
      {"<Rule><ID>a</ID><Prefix>a/</Prefix><Status>Enabled</Status>" + e + "</Rule>" +
           Rule("<Filter><Prefix>b/</Prefix></Filter>" + e, "b"),
       "InvalidRequest", "Filter element can only be used in Lifecycle V2."},
      {Rule("<Filter><Prefix>b/</Prefix></Filter>" + e, "b") +
           "<Rule><ID>a</ID><Prefix>a/</Prefix><Status>Enabled</Status>" + e + "</Rule>",
       "InvalidRequest",
       "Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the "
       "Filter."},
      {"<Rule><ID>a</ID><Prefix>a/</Prefix><Status>Enabled</Status><NoncurrentVersionExpiration>"
       "<NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions>"
       "</NoncurrentVersionExpiration></Rule>",
       "InvalidRequest", "NewerNoncurrentVersions element can only be used in Lifecycle V2."},
      {"<Rule><ID>a</ID><Prefix></Prefix><Status>Enabled</Status>" + e + "</Rule>"
       "<Rule><ID>b</ID><Prefix>x/</Prefix><Status>Disabled</Status>" + e + "</Rule>",
       "InvalidRequest", "Found overlapping prefixes '' and 'x/' for same action type 'Expiration'"},
  };
  for (const auto& r : refusals) {
    auto result = Parse(Config(r.rules));
    ASSERT_FALSE(result.ok()) << r.rules;
    EXPECT_EQ(result.status().s3_code(), r.code) << r.rules;
    EXPECT_EQ(result.status().message(), r.message) << r.rules;
  }
}

TEST(LifecycleXml, WhatS3Accepts) {
  const std::string e = kExpire;
  const std::vector<std::string> accepted = {
      // Transition Days 0 is legal where Expiration Days 0 is not.
      Rule("<Filter/><Transition><Days>0</Days><StorageClass>COLD</StorageClass></Transition>"),
      // STANDARD is always a class.
      Rule("<Filter/><Transition><Days>1</Days><StorageClass>STANDARD</StorageClass>"
           "</Transition>"),
      // Legacy rules with prefixes that do not overlap, or overlap for different actions.
      "<Rule><ID>a</ID><Prefix>a/</Prefix><Status>Enabled</Status>" + e + "</Rule>"
      "<Rule><ID>b</ID><Prefix>a/b/</Prefix><Status>Enabled</Status>"
      "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
      "</AbortIncompleteMultipartUpload></Rule>",
      // Filters may overlap.
      Rule("<Filter><Prefix>a/</Prefix></Filter>" + e, "a") +
          Rule("<Filter><Prefix>a/b/</Prefix></Filter>" + e, "b"),
      // Elements in any order, whitespace between them.
      "<Rule>\n  <Expiration>\n    <Days> 5 </Days>\n  </Expiration>\n  <Status>Enabled</Status>"
      "\n  <Filter>\n    <Prefix>x</Prefix>\n  </Filter>\n</Rule>",
      // A size range inside And.
      Rule("<Filter><And><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan>"
           "<ObjectSizeLessThan>2</ObjectSizeLessThan></And></Filter>" + e),
      // ExpiredObjectDeleteMarker false alone.
      Rule("<Filter/><Expiration><ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker>"
           "</Expiration>"),
      Rule("<Filter/><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
           "<NewerNoncurrentVersions>100</NewerNoncurrentVersions>"
           "</NoncurrentVersionExpiration>"),
  };
  for (const auto& rules : accepted) {
    auto r = Parse(Config(rules));
    EXPECT_TRUE(r.ok()) << rules << "\n" << r.status().ToString();
    if (r.ok()) RoundTrip(Config(rules));
  }
}

TEST(LifecycleXml, ExpiredObjectDeleteMarkerFalseAloneReadsBack) {
  auto rules = RoundTrip(Config(Rule(
      "<Filter/><Expiration><ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker>"
      "</Expiration>")));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_FALSE(rules[0].expired_object_delete_marker);
  EXPECT_NE(RenderLifecycleConfiguration(rules).find(
                "<ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker>"),
            std::string::npos);
}

TEST(LifecycleXml, RenderedBodyIsWellFormed) {
  LifecycleRule r;
  r.id = "a<b>&\"c";
  r.filter_form = "filter";
  r.tags = {{"k&", "v<"}};
  r.expiration_days = 2;
  std::string xml = RenderLifecycleConfiguration({r});
  auto doc = ParseXml(xml);
  ASSERT_TRUE(doc.ok()) << xml;
  EXPECT_EQ(doc->Child("Rule")->ChildText("ID"), r.id);
}

}  // namespace
}  // namespace cairn
