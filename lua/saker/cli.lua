-- SPDX-License-Identifier: Apache-2.0
-- saker.cli: the command line, with Falco's flags where Falco has one
-- (design.md section 2). parse(argv) -> opts, or nil and a message.
local M = {}

M.usage = [[
Usage: saker [options]

  -c FILE            config file (default /etc/saker/saker.yaml if present)
  -r PATH            rules file or directory; repeatable, loaded in order
                     (replaces the config's rules_files)
  -o KEY=VALUE       set a config key by dotted path; repeatable
  -M SECONDS         stop after this many seconds
  -V, --validate FILE
                     validate rules files (repeatable, one ruleset); exit 1 on error
  -L                 list the loaded rules
  -l NAME            describe one rule
  --list [SOURCE]    list the supported fields with type and description
  -N                 with --list: field names only
  --list-events      list the event types rules can name, with their parameters
  -A                 capture every syscall, not only those the rules name (those
                     without a decoder as generic events)
  -P, --pidfile FILE write the agent's pid to FILE while it runs
  -U, --unbuffered   unbuffered output
  --dry-run          load config and rules, then exit
  --dump             print every captured event, one line each
  --dump-lua RULE    print the Lua code a rule compiles to
  -e FILE            replay a .scap capture (plain or gzip'd) instead of capturing live
  -w FILE            write the captured events to a .scap capture
  --write-window N   with -w: only the events that matched a rule, N events around each
  --version          version, engine version, probe info
  --support          what a bug report needs, as JSON: versions, system, command
                     line, config, rules files
  -h, --help         this text
]]

-- Flags that take a value, and where they go.
local valued = {
	["-c"] = "config", ["-M"] = "duration", ["-l"] = "describe", ["--dump-lua"] = "dump_lua",
	["-e"] = "replay", ["-w"] = "write", ["--write-window"] = "write_window",
	["-P"] = "pidfile", ["--pidfile"] = "pidfile",
}
local repeated = { ["-r"] = "rules", ["-o"] = "overrides", ["-V"] = "validate", ["--validate"] = "validate" }
local switches = {
	["-L"] = "list_rules", ["-U"] = "unbuffered", ["--unbuffered"] = "unbuffered",
	["-N"] = "names_only", ["--list-events"] = "list_events", ["-A"] = "all_events",
	["--support"] = "support",
	["--dry-run"] = "dry_run", ["--dump"] = "dump", ["--version"] = "version",
	["-h"] = "help", ["--help"] = "help",
}

function M.parse(argv)
	local o = { rules = {}, overrides = {}, validate = {} }
	local i = 1
	while argv[i] do
		local a = argv[i]
		local flag, inline = a:match("^(%-%-[%w%-]+)=(.*)$")
		flag = flag or a
		if valued[flag] or repeated[flag] then
			local v = inline
			if not v then
				i = i + 1
				v = argv[i]
			end
			if not v then return nil, a .. " needs a value" end
			if valued[flag] then
				o[valued[flag]] = v
			else
				local list = o[repeated[flag]]
				list[#list + 1] = v
			end
		elseif switches[flag] and not inline then
			o[switches[flag]] = true
		elseif flag == "--list" then
			o.list_fields = inline or true
			if not inline and argv[i + 1] and not argv[i + 1]:match("^%-") then
				i = i + 1
				o.list_fields = argv[i]
			end
		else
			return nil, "unknown option " .. a .. " (saker --help lists them)"
		end
		i = i + 1
	end
	if o.duration then
		local d = tonumber(o.duration)
		if not d or d < 0 then return nil, "-M takes a number of seconds, not " .. o.duration end
		o.duration = d
	end
	if o.write_window then
		local n = tonumber(o.write_window)
		if not n or n < 0 or n % 1 ~= 0 then
			return nil, "--write-window takes a number of events, not " .. o.write_window
		end
		if not o.write then return nil, "--write-window needs -w FILE" end
		o.write_window = n
	end
	return o
end

return M
