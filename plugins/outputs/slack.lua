-- SPDX-License-Identifier: Apache-2.0
-- slack: alerts posted to a Slack-style incoming webhook (Slack, Mattermost,
-- Rocket.Chat accept this shape): a one-line text and an attachment
-- coloured by priority, with the rule, priority, host and the output
-- fields. Alerts below min_priority are skipped.
local helpers = require("saker.outputs.helpers")

local P = {}

P.schema = {
	webhook_url = { type = "string", required = true },
	channel = { type = "string" },
	username = { type = "string", default = "saker" },
	icon_emoji = { type = "string" },
	min_priority = { type = "string", default = "debug" },
	timeout_ms = { type = "number", default = 5000 },
}

local RANK = { emergency = 0, alert = 1, critical = 2, error = 3, warning = 4, notice = 5,
	informational = 6, info = 6, debug = 7 }
local COLOR = { [0] = "#9c0000", "#c00000", "#e01e5a", "#e01e5a", "#ecb22e", "#2eb67d",
	"#36c5f0", "#aaaaaa" }

local cfg, min_rank

function P.init(c)
	cfg = c
	min_rank = RANK[c.min_priority:lower()]
	if not min_rank then error("slack: unknown min_priority " .. c.min_priority, 0) end
end

-- The webhook payload for an alert (a table, JSON-encoded by emit).
function P.payload(a)
	local rank = RANK[tostring(a.priority):lower()] or 5
	local fields = {
		{ title = "rule", value = a.rule, short = false },
		{ title = "priority", value = a.priority, short = true },
		{ title = "hostname", value = a.hostname, short = true },
	}
	local names = {}
	for k in pairs(a.output_fields or {}) do names[#names + 1] = k end
	table.sort(names)
	for _, k in ipairs(names) do
		local v = a.output_fields[k]
		fields[#fields + 1] = { title = k, value = v == nil and "<NA>" or tostring(v), short = true }
	end
	return {
		channel = cfg.channel, username = cfg.username, icon_emoji = cfg.icon_emoji,
		text = string.format("*%s* %s", a.priority, a.rule),
		attachments = { {
			color = COLOR[rank], fallback = a.output, text = a.output,
			fields = fields, footer = "saker", ts = os.time(),
		} },
	}
end

function P.emit(a)
	local rank = RANK[tostring(a.priority):lower()] or 5
	if rank > min_rank then return end
	local body = helpers.json_encode(P.payload(a))
	local st, err = helpers.http_post(cfg.webhook_url, body, { timeout_ms = cfg.timeout_ms })
	if not st then error("webhook: " .. err, 0) end
	if st < 200 or st >= 300 then error("webhook answered " .. st, 0) end
end

return P
