-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.lex: a condition string -> tokens.
--
--   token := { t = "(" | ")" | "," | "op" | "str" | "word", v = text, pos = offset }
--   op    := = | == | != | < | <= | > | >=       (v holds the operator)
--   str   := '...' or "..." with \\ \" \' \n \t \r \b \f \xHH escapes (v: the text)
--   word  := a run of anything else but blanks, ( ) , = < > ! " '
--            (field names with [arg], bare values such as /etc/*, 127.0.0.1,
--            keywords and operator words: the parser tells them apart)
--
-- pos is the 0-based byte offset of the token in the condition. Errors are
-- returned as nil, message, offset.
local M = {}

local byte, sub, find, char = string.byte, string.sub, string.find, string.char

local escapes = { n = "\n", t = "\t", r = "\r", b = "\b", f = "\f",
	["\\"] = "\\", ['"'] = '"', ["'"] = "'" }

local function read_string(text, i, q)
	local out, j, n = {}, i + 1, #text
	while j <= n do
		local c = sub(text, j, j)
		if c == q then
			return table.concat(out), j + 1
		elseif c == "\\" then
			local e = sub(text, j + 1, j + 1)
			if escapes[e] then
				out[#out + 1] = escapes[e]
				j = j + 2
			elseif e == "x" and find(text, "^%x%x", j + 2) then
				out[#out + 1] = char(tonumber(sub(text, j + 2, j + 3), 16))
				j = j + 4
			else
				-- unknown escape: keep the backslash, as written
				out[#out + 1] = "\\"
				j = j + 1
			end
		else
			out[#out + 1] = c
			j = j + 1
		end
	end
	return nil, "unterminated string"
end

function M.tokens(text)
	local toks, i, n = {}, 1, #text
	while i <= n do
		local c = byte(text, i)
		local s, e = find(text, "^[ \t\r\n\f\v]+", i)
		if s then
			i = e + 1
		elseif c == 40 or c == 41 or c == 44 then -- ( ) ,
			toks[#toks + 1] = { t = char(c), v = char(c), pos = i - 1 }
			i = i + 1
		elseif c == 61 or c == 60 or c == 62 or c == 33 then -- = < > !
			local op = sub(text, i, i + 1)
			if op ~= "==" and op ~= "!=" and op ~= "<=" and op ~= ">=" then
				op = sub(text, i, i)
				if op == "!" then
					return nil, "unexpected '!'", i - 1
				end
			end
			toks[#toks + 1] = { t = "op", v = op, pos = i - 1 }
			i = i + #op
		elseif c == 34 or c == 39 then -- " '
			local v, j = read_string(text, i, char(c))
			if not v then return nil, j, i - 1 end
			toks[#toks + 1] = { t = "str", v = v, pos = i - 1 }
			i = j
		else
			local _, we = find(text, "^[^ \t\r\n\f\v(),=<>!\"']+", i)
			toks[#toks + 1] = { t = "word", v = sub(text, i, we), pos = i - 1 }
			i = we + 1
		end
	end
	toks[#toks + 1] = { t = "eof", v = "end of condition", pos = n }
	return toks
end

return M
