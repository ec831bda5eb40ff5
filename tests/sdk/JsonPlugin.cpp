// The "orders" test plugin of sdk_json_tests: reads and writes JSON with terrarium/json.hpp.
//   POST /orders  {"item": string (required), "quantity": int 1.. (default 1), "gift": bool,
//                  "note": string|null, "tags": [string]}
//       -> 201 {"item","quantity","gift","tags":N,"note"?}; bad JSON or fields -> 400 JSON error
//   POST /orders/strict  the same, but lets json::Error escape handle() (the host's 400)
#include <terrarium/json.hpp>

#include <string>

namespace {

class Orders {
public:
    explicit Orders(terrarium::Host&) {}

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        namespace json = terrarium::json;
        if (request.path() == "/strict") {
            answer(*json::parseBody(request), response);
            return;
        }
        json::ObjectPtr order = json::readBody(request, response);
        if (!order) return;
        try {
            answer(*order, response);
        } catch (const json::Error& e) {
            json::respondError(response, e);
        }
    }

private:
    static void answer(const Poco::JSON::Object& order, terrarium::Response& response)
    {
        namespace json = terrarium::json;
        auto item = json::require<std::string>(order, "item");
        int quantity = json::get<int>(order, "quantity", 1);
        if (quantity < 1) throw json::Error("invalid_field", "field 'quantity' must be at least 1");
        json::ArrayPtr tags = json::get<json::ArrayPtr>(order, "tags", json::array());
        json::ObjectPtr out = json::object();
        out->set("item", item);
        out->set("quantity", quantity);
        out->set("gift", json::get<bool>(order, "gift", false));
        out->set("tags", static_cast<int>(tags->size()));
        std::string note = json::get(order, "note", "");
        if (!note.empty()) out->set("note", note);
        json::respond(response, 201, out);
    }
};

} // namespace

TERRARIUM_PLUGIN(Orders, "orders", "1.0.0", terrarium::route("/orders"))
