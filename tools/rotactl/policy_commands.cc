// rotactl policy show|set|validate: a county's round policy (rota.v1.Policy)
// in protobuf text format (docs/examples/policy.textproto lists every field
// with its default).
//
// The file is parsed here, before anything is sent, with TextFormat::Parser
// and an ErrorCollector, so an unknown field, a bad enum name or a syntax
// error is reported as FILE:LINE:COLUMN with the field path of the enclosing
// message (exit 1). Semantic errors come from the server as field violations
// naming the field path (`policy.exchange_rotation.rotation_share_percent`);
// they are printed with the line and column of that field in the file.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
namespace pb = ::google::protobuf;

// The field path ("policy.exchange_rotation") of the first field of Policy
// whose message type is `type_name`, "policy" for Policy itself.
std::string PathOfType(const std::string& type_name) {
  const pb::Descriptor* d = v1::Policy::descriptor();
  if (type_name == d->full_name()) return "policy";
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->message_type() != nullptr &&
        f->message_type()->full_name() == type_name)
      return "policy." + std::string(f->name());
  }
  return "policy";
}

// Collects parse errors as "FILE:LINE:COL: message (in PATH)".
class Collector : public pb::io::ErrorCollector {
 public:
  Collector(std::string file, const std::string& text)
      : file_(std::move(file)), text_(text) {}
  void AddError(int line, pb::io::ColumnNumber column,
                const std::string& message) override {
    Add(line, column, message, "error");
  }
  void AddWarning(int line, pb::io::ColumnNumber column,
                  const std::string& message) override {
    Add(line, column, message, "warning");
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  // The parser reports an unknown field or enum value at the token after
  // it: point at the name itself (its last occurrence before that place).
  void PointAtName(const std::string& message, int* line, int* column) const {
    std::string name;
    for (const char* marker :
         {"Unknown enumeration value of \"", "has no field named \""}) {
      const size_t at = message.find(marker);
      if (at == std::string::npos) continue;
      const size_t start = at + std::strlen(marker);
      name = message.substr(start, message.find('"', start) - start);
      break;
    }
    if (name.empty()) return;
    size_t offset = 0;
    for (int l = 0; l < *line && offset != std::string::npos; ++l) {
      offset = text_.find('\n', offset);
      if (offset != std::string::npos) ++offset;
    }
    if (offset == std::string::npos) return;
    const size_t at = text_.rfind(name, offset + *column);
    if (at == std::string::npos) return;
    const size_t line_start = text_.rfind('\n', at);
    *line =
        static_cast<int>(std::count(text_.begin(), text_.begin() + at, '\n'));
    *column = static_cast<int>(
        at - (line_start == std::string::npos ? 0 : line_start + 1));
  }

  void Add(int line, int column, const std::string& message, const char* kind) {
    PointAtName(message, &line, &column);
    // Messages name the type as `Message type "rota.v1.X"`: give the path.
    std::string path = "policy";
    const auto q = message.find("\"rota.v1.");
    if (q != std::string::npos) {
      const auto end = message.find('"', q + 1);
      path = PathOfType(message.substr(q + 1, end - q - 1));
    }
    errors_.push_back(file_ + ":" + std::to_string(line + 1) + ":" +
                      std::to_string(column + 1) + ": " + kind + ": " +
                      message + " (in " + path + ")");
  }
  std::string file_;
  const std::string& text_;
  std::vector<std::string> errors_;
};

struct Parsed {
  v1::Policy policy;
  pb::TextFormat::ParseInfoTree tree;
};

// Reads and parses `file`; on error prints every error and returns false.
bool ParsePolicyFile(const std::string& file, Parsed* out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "rotactl: cannot read %s\n", file.c_str());
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  Collector errors(file, text);
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&out->tree);
  const bool ok = parser.ParseFromString(text, &out->policy);
  for (const std::string& e : errors.errors())
    std::fprintf(stderr, "%s\n", e.c_str());
  if (!ok && errors.errors().empty())
    std::fprintf(stderr, "%s: not a rota.v1.Policy in text format\n",
                 file.c_str());
  return ok;
}

// "FILE:LINE:COL" of a server field path like "policy.points.title_senior"
// or "policy.tie_chain[1]", or "" when the path is not in the file.
std::string LocationOf(const std::string& file, const Parsed& parsed,
                       const std::string& path) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  if (parts.empty() || parts[0] != "policy") return "";
  const pb::Descriptor* d = v1::Policy::descriptor();
  const pb::TextFormat::ParseInfoTree* tree = &parsed.tree;
  for (size_t i = 1; i < parts.size() && tree != nullptr; ++i) {
    std::string name = parts[i];
    int index = -1;
    if (const auto b = name.find('['); b != std::string::npos) {
      (void)absl::SimpleAtoi(name.substr(b + 1, name.size() - b - 2), &index);
      name = name.substr(0, b);
    }
    const pb::FieldDescriptor* f = d->FindFieldByName(name);
    if (f == nullptr) return "";
    if (!f->is_repeated()) index = -1;
    if (f->is_repeated() && index < 0) index = 0;
    if (i + 1 == parts.size() || f->message_type() == nullptr) {
      const auto loc = tree->GetLocation(f, index);
      if (loc.line < 0) return "";
      return file + ":" + std::to_string(loc.line + 1) + ":" +
             std::to_string(loc.column + 1);
    }
    tree = tree->GetTreeForNested(f, index);
    d = f->message_type();
  }
  return "";
}

// Prints the server's field violations with their place in the file.
void ReportViolationsInFile(const grpc::Status& s, const std::string& file,
                            const Parsed& parsed) {
  google::rpc::Status details;
  if (s.error_details().empty() || !details.ParseFromString(s.error_details()))
    return;
  for (const pb::Any& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) {
      const std::string where = LocationOf(file, parsed, v.field());
      if (!where.empty())
        std::fprintf(stderr, "%s: %s: %s\n", where.c_str(), v.field().c_str(),
                     v.description().c_str());
    }
  }
}

// The school year that starts in September of the current calendar year
// (before September: the previous year).
int CurrentSchoolYear() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900 - (tm.tm_mon < 8 ? 1 : 0);
}

void PrintPolicy(Context* ctx, const v1::Policy& policy) {
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(policy).c_str());
    return;
  }
  std::string text;
  pb::TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(true);
  printer.PrintToString(policy, &text);
  std::printf("%s", text.c_str());
}

struct PolicyOpts {
  int year = 0;
  int64_t version = 0;
  std::string file;
  std::string request_id;
};

}  // namespace

void AddPolicyCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand(
      "policy",
      "The county's round policy (protobuf text format, see "
      "docs/examples/policy.textproto)");
  noun->require_subcommand(1);
  noun->fallthrough();

  auto o = std::make_shared<PolicyOpts>();
  CLI::App* show = noun->add_subcommand(
      "show",
      "Print the effective policy (defaults filled in) in text format; -o "
      "json for JSON");
  show->fallthrough();
  show->add_option("--year", o->year,
                   "School year (default: the current one, from September)");
  show->add_option("--version", o->version, "Policy version (0 = latest)")
      ->capture_default_str();
  show->callback([ctx, o] {
    const std::string county = ctx->CountyName();
    if (county.empty()) return;
    v1::GetPolicyRequest req;
    req.set_name(county + "/policies/" +
                 std::to_string(o->year > 0 ? o->year : CurrentSchoolYear()));
    req.set_version(o->version);
    v1::Policy out;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Policy().GetPolicy(call.get(), req, &out);
    if (!s.ok()) {
      ctx->exit_code = ReportRpcError(s, "policy show");
      return;
    }
    PrintPolicy(ctx, out);
  });

  for (const bool set : {true, false}) {
    CLI::App* cmd = noun->add_subcommand(
        set ? "set" : "validate",
        set ? "Store FILE (text format) as the next policy version of its "
              "school_year and print the effective policy. A bad field is "
              "reported as FILE:LINE:COLUMN (exit 1)"
            : "Check FILE (text format) locally and on the server without "
              "storing it; exit 1 if it is invalid");
    cmd->fallthrough();
    cmd->add_option("FILE", o->file, "Policy in protobuf text format")
        ->required();
    if (set)
      cmd->add_option("--request-id", o->request_id,
                      "Idempotency key (default: none)");
    cmd->callback([ctx, o, set] {
      const std::string county = ctx->CountyName();
      if (county.empty()) return;
      auto parsed = std::make_unique<Parsed>();
      if (!ParsePolicyFile(o->file, parsed.get())) {
        std::fprintf(stderr, "rotactl: %s: nothing was sent\n",
                     o->file.c_str());
        ctx->exit_code = kExitFailed;
        return;
      }
      v1::Policy out;
      auto call = ctx->NewCall();
      grpc::Status s;
      if (set) {
        v1::SetPolicyRequest req;
        req.set_parent(county);
        *req.mutable_policy() = parsed->policy;
        req.set_request_id(o->request_id);
        s = ctx->Policy().SetPolicy(call.get(), req, &out);
      } else {
        v1::ValidatePolicyRequest req;
        req.set_parent(county);
        *req.mutable_policy() = parsed->policy;
        s = ctx->Policy().ValidatePolicy(call.get(), req, &out);
      }
      if (!s.ok()) {
        ReportViolationsInFile(s, o->file, *parsed);
        const int code =
            ReportRpcError(s, set ? "policy set" : "policy validate");
        // An invalid policy is a failed check, not a server failure.
        ctx->exit_code = s.error_code() == grpc::StatusCode::INVALID_ARGUMENT
                             ? kExitFailed
                             : code;
        return;
      }
      if (set) {
        if (ctx->format() == OutputFormat::kJson) {
          PrintPolicy(ctx, out);
        } else {
          std::printf("policy %s version %lld stored\n", out.name().c_str(),
                      static_cast<long long>(out.version()));
        }
      } else if (ctx->format() == OutputFormat::kJson) {
        PrintPolicy(ctx, out);
      } else {
        std::printf("%s: valid\n", o->file.c_str());
      }
    });
  }
}

}  // namespace rota::rotactl
