-- SPDX-License-Identifier: Apache-2.0
local lex = require("saker.rules.lex")

local function kinds(toks)
	local out = {}
	for i, t in ipairs(toks) do out[i] = t.t .. ":" .. t.v end
	return table.concat(out, " ")
end

describe("lex", function()
	it("splits words, operators, parens, commas", function()
		local toks = assert(lex.tokens("evt.type in (open,openat) and fd.num>=0"))
		assert.are.equal("word:evt.type word:in (:( word:open ,:, word:openat ):) word:and "
			.. "word:fd.num op:>= word:0 eof:end of condition", kinds(toks))
	end)

	it("keeps bare values with slashes, globs, dots, brackets and dashes", function()
		local toks = assert(lex.tokens("fd.name glob /tmp/*.sh and proc.aname[2]=-1 and fd.sip=10.0.0.0/8"))
		assert.are.equal("word:fd.name word:glob word:/tmp/*.sh word:and word:proc.aname[2] op:= "
			.. "word:-1 word:and word:fd.sip op:= word:10.0.0.0/8 eof:end of condition", kinds(toks))
	end)

	it("reads all comparison operators", function()
		local toks = assert(lex.tokens("a=1 b==2 c!=3 d<4 e<=5 f>6 g>=7"))
		local ops = {}
		for _, t in ipairs(toks) do if t.t == "op" then ops[#ops + 1] = t.v end end
		assert.are.same({ "=", "==", "!=", "<", "<=", ">", ">=" }, ops)
	end)

	it("decodes quoted strings and escapes", function()
		local toks = assert(lex.tokens([[a = "x \"y\" \\ \n" and b = 'it''s' and c = "\x41\q"]]))
		assert.are.equal('x "y" \\ \n', toks[3].v)
		assert.are.equal("str", toks[3].t)
		assert.are.equal("it", toks[7].v)
		assert.are.equal("s", toks[8].v)
		assert.are.equal("A\\q", toks[12].v)
	end)

	it("records 0-based offsets", function()
		local toks = assert(lex.tokens("  proc.name = bash"))
		assert.are.equal(2, toks[1].pos)
		assert.are.equal(12, toks[2].pos)
		assert.are.equal(14, toks[3].pos)
	end)

	it("reports an unterminated string with its offset", function()
		local toks, msg, pos = lex.tokens("proc.name = 'bash")
		assert.is_nil(toks)
		assert.matches("unterminated", msg)
		assert.are.equal(12, pos)
	end)

	it("rejects a lone !", function()
		local toks, msg, pos = lex.tokens("proc.name ! bash")
		assert.is_nil(toks)
		assert.matches("!", msg)
		assert.are.equal(10, pos)
	end)
end)
