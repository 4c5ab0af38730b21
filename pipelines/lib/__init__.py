"""Libraries the stages and the source modules share: the package's paths and schemas
(`package`), reading raw input with its line numbers (`raw`), writing files (`files`), Dutch
printed numbers (`dutch_numbers`), excerpts of the text layers (`excerpts`), values typed from
prose (`prose`), second entries (`second_entry`), statistics (`stats`) and, in one place, what
is there only to be fast (`speed`)."""
