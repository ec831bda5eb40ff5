#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

#include <string>

using Catch::Matchers::Contains;
using terrarium::Config;
using terrarium::ConfigLoader;
using terrarium::test::Failure;
using terrarium::test::failureOf;

namespace {

using Overrides = ConfigLoader::Overrides;

Config parse(const std::string& json, const Overrides& environment = {})
{
    return ConfigLoader::parse(json, environment, {});
}

Failure parseFailure(const std::string& json, const Overrides& environment = {})
{
    return failureOf([&] { ConfigLoader::parse(json, environment, {}); });
}

Poco::Timespan ms(long value)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(value) * 1000);
}

} // namespace

TEST_CASE("host service defaults follow the guide: 10 s timeout, 3 tries, no TLS, auto secrets", "[config][services]")
{
    Config config = parse("{}");
    CHECK(config.client.timeout == ms(10000));
    CHECK(config.client.maxAttempts == 3);
    CHECK(config.client.verifyPeer);
    CHECK(config.secrets.provider == "auto");
    CHECK(config.secrets.vault.mount == "secret");
    CHECK_FALSE(config.mainListener().tls.enabled);
    CHECK_FALSE(config.adminTls.enabled);
    CHECK(config.services.empty());
    CHECK(config.log.logthon);
    CHECK(config.log.logthonBatch);
    CHECK(config.log.level == "information");
}

TEST_CASE("client, secrets, services, log, metrics and TLS sections are read", "[config][services]")
{
    Config config = parse(R"json({
      "tls": {"cert_file": "/c.pem", "key_file": "/k.pem"},
      "admin": {"tls": {"cert_file": "/a.pem", "key_file": "/ak.pem", "ca_file": "/ca.pem", "client_certs": "required"}},
      "listeners": [{"name": "api", "listen": "127.0.0.1:0", "plugin": "echo",
                     "tls": {"cert_file": "/x.pem", "key_file": "/xk.pem"}}],
      "client": {"connect_timeout_ms": 500, "timeout_ms": 2000, "max_attempts": 5, "backoff_initial_ms": 10,
                 "backoff_max_ms": 40, "max_per_origin": 4, "max_total": 8, "idle_timeout_ms": 1000,
                 "breaker": {"failures": 2, "open_ms": 300}, "max_response_bytes": 1024,
                 "verify_peer": false, "ca_file": "/ca.pem"},
      "secrets": {"provider": "vault", "ttl_ms": 1000, "refresh_ahead_ms": 100, "max_stale_ms": 0,
                  "negative_ttl_ms": 50,
                  "vault": {"address": "http://127.0.0.1:8200", "token_file": "/t", "mount": "kv",
                            "kubernetes": {"role": "terrarium", "auth_path": "k3s", "jwt_file": "/jwt"}},
                  "files": {"dir": "/s"}, "env": {"prefix": "MY_"}},
      "services": {"file-storage": "http://10.0.0.2:9000", "logthon": "https://logs.example/api"},
      "metrics": {"on_main": true},
      "log": {"level": "debug", "plugins": {"echo": "trace"}, "format": "json", "console": false,
              "file": {"path": "/var/log/t.log", "max_bytes": 100, "keep": 2},
              "logthon": {"enabled": false, "path": "/api/logs", "queue_capacity": 10, "batch_size": 5,
                          "flush_interval_ms": 20, "batch": false},
              "service_name": "edge", "container_name": "c1"}
    })json");
    CHECK(config.mainListener().tls.enabled);
    CHECK(config.mainListener().tls.certFile == "/c.pem");
    CHECK(config.adminTls.clientCerts == "required");
    CHECK(config.listeners.at(1).tls.keyFile == "/xk.pem");
    CHECK(config.client.connectTimeout == ms(500));
    CHECK(config.client.maxAttempts == 5);
    CHECK(config.client.backoffMax == ms(40));
    CHECK(config.client.maxTotal == 8);
    CHECK(config.client.breakerFailures == 2);
    CHECK(config.client.breakerOpen == ms(300));
    CHECK(config.client.maxResponseBytes == 1024);
    CHECK_FALSE(config.client.verifyPeer);
    CHECK(config.secrets.provider == "vault");
    CHECK(config.secrets.maxStale == ms(0));
    CHECK(config.secrets.vault.kubernetesRole == "terrarium");
    CHECK(config.secrets.vault.kubernetesAuthPath == "k3s");
    CHECK(config.secrets.vault.mount == "kv");
    CHECK(config.secrets.filesDir == "/s");
    CHECK(config.secrets.envPrefix == "MY_");
    CHECK(config.services.at("logthon") == "https://logs.example/api");
    CHECK(config.metricsOnMain);
    CHECK(config.log.level == "debug");
    CHECK(config.log.pluginLevels.at("echo") == "trace");
    CHECK(config.log.fileKeep == 2);
    CHECK_FALSE(config.log.logthon);
    CHECK(config.log.logthonPath == "/api/logs");
    CHECK(config.log.flushInterval == ms(20));
    CHECK_FALSE(config.log.logthonBatch);
    CHECK(config.log.containerName == "c1");
}

TEST_CASE("the Edge-Terrarium environment names map onto the config", "[config][services]")
{
    Config config = parse("{}", {{"VAULT_ADDR", "http://vault:8200"}, {"VAULT_TOKEN", "root"},
                                 {"FILE_STORAGE_URL", "http://file-storage:9000"}, {"LOGTHON_HOST", "logthon"},
                                 {"LOGTHON_PORT", "5001"}, {"SERVICE_NAME", "gateway"}, {"HOSTNAME", "h1"},
                                 {"POD_NAME", "pod-7"}});
    CHECK(config.secrets.vault.address == "http://vault:8200");
    CHECK(config.secrets.vault.token == "root");
    CHECK(config.services.at("file-storage") == "http://file-storage:9000");
    CHECK(config.services.at("logthon") == "http://logthon:5001");
    CHECK(config.log.serviceName == "gateway");
    CHECK(config.log.containerName == "pod-7");

    Config fromFile = parse(R"({"log": {"container_name": "fixed"}})", {{"HOSTNAME", "h1"}});
    CHECK(fromFile.log.containerName == "fixed");
}

TEST_CASE("bad host service settings name the key and what was expected", "[config][services]")
{
    CHECK_THAT(parseFailure(R"({"tls": {"cert_file": "/c.pem"}})").key, Contains("tls"));
    CHECK_THAT(parseFailure(R"({"tls": {"cert_file": "/c.pem"}})").message, Contains("key_file"));
    CHECK(parseFailure(R"({"admin": {"tls": {"cert_file": "/a", "key_file": "/b", "client_certs": "required"}}})").key
          == "admin.tls.ca_file");
    CHECK(parseFailure(R"({"client": {"max_attempts": 0}})").key == "client.max_attempts");
    CHECK(parseFailure(R"({"client": {"retries": 2}})").key == "client.retries");
    CHECK(parseFailure(R"({"client": {"max_per_origin": 10, "max_total": 5}})").key == "client.max_total");
    CHECK(parseFailure(R"({"secrets": {"provider": "consul"}})").key == "secrets.provider");
    CHECK(parseFailure(R"({"secrets": {"vault": {"address": "vault:8200"}}})").key == "secrets.vault.address");
    CHECK(parseFailure(R"({"services": {"file-storage": "ftp://x"}})").key == "services.file-storage");
    CHECK(parseFailure(R"({"services": {"Bad Name": "http://x"}})").key == "services.Bad Name");
    CHECK(parseFailure(R"({"log": {"format": "xml"}})").key == "log.format");
    CHECK(parseFailure(R"({"log": {"plugins": {"echo": "loud"}}})").key == "log.plugins.echo");
    CHECK(parseFailure(R"({"log": {"logthon": {"path": "logs"}}})").key == "log.logthon.path");
    CHECK(parseFailure(R"({"log": {"logthon": {"batch": "yes"}}})").key == "log.logthon.batch");
    CHECK(parseFailure("{}", {{"FILE_STORAGE_URL", "not a url"}}).key == "FILE_STORAGE_URL");
}
