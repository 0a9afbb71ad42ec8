-- SPDX-License-Identifier: Apache-2.0
-- saker.version: the agent's version, and the version of Falco's rules
-- engine whose language it implements (checked against rules files'
-- required_engine_version).
return {
	saker = "0.1.0",
	engine = "0.57.0",
}
