// rotactl audit verify: walks the county's event log and checks its SHA-256
// chain. Issue 5 adds `audit replay|as-of|history` here.
#include <cstdio>

#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {

void AddAuditCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun =
      app->add_subcommand("audit", "Audit the county's event history");
  noun->require_subcommand(1);
  noun->fallthrough();

  CLI::App* verify =
      noun->add_subcommand("verify",
                           "Recompute the hash chain: prints 'chain OK: "
                           "<events> events, head <sha256>' or the "
                           "first broken event (exit 1)");
  verify->fallthrough();
  verify->callback([ctx] {
    const std::string county = ctx->CountyName();
    if (county.empty()) return;
    rota::v1::VerifyChainRequest req;
    req.set_county(county);
    rota::v1::VerifyChainResponse out;
    // A long log takes a while to walk: allow ten times the usual deadline.
    auto call = ctx->NewCall(10.0);
    grpc::Status s = ctx->Audit().VerifyChain(call.get(), req, &out);
    if (!s.ok()) {
      ctx->exit_code = ReportRpcError(s, "audit verify");
      return;
    }
    if (ctx->format() == OutputFormat::kJson) {
      std::printf("%s\n", ToJson(out).c_str());
    } else if (out.ok()) {
      std::printf("chain OK: %lld events, head %s\n",
                  static_cast<long long>(out.events()),
                  out.head_hash().c_str());
    } else {
      std::printf("chain BROKEN at event %lld: %s\n",
                  static_cast<long long>(out.first_broken_sequence()),
                  out.problem().c_str());
    }
    ctx->exit_code = out.ok() ? kExitOk : kExitFailed;
  });
}

}  // namespace rota::rotactl
