"""The rules the package's values must follow beyond their Table Schemas: `in_table`, the rules
within one table (pandera, run by stage `validate`), and `cross_checks`, claims, derived figures
and facts stated in several places, lined up for great-expectations (run by stage `crosscheck`)."""
