"""The option table and config.yaml describe the same options, one row each."""

import dataclasses

from domain.config.charm_config import CharmConfig
from domain.config.options import OPTIONS
from tests.support.builders import CONFIG_YAML, VERSION, make_config


def test_every_option_of_config_yaml_has_exactly_one_row():
    names = [option.name for option in OPTIONS]

    assert sorted(names) == sorted(CONFIG_YAML["options"])
    assert len(names) == len(set(names))


def test_rows_follow_config_yaml_order():
    assert [option.name for option in OPTIONS] == list(CONFIG_YAML["options"])


def test_every_field_of_charm_config_is_filled_by_exactly_one_row():
    fields = [option.field for option in OPTIONS]

    assert sorted(fields) == sorted(f.name for f in dataclasses.fields(CharmConfig))
    assert len(fields) == len(set(fields))


def test_each_row_parses_the_default_of_its_option():
    config = make_config()

    for option in OPTIONS:
        default = CONFIG_YAML["options"][option.name]["default"]
        assert getattr(config, option.field) == option.read(default, VERSION), option.name
