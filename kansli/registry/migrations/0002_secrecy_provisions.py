"""The OSL provisions a municipality's registrars cite most often. The list is kept in the
admin afterwards; this only gives a new installation a useful start."""

from django.db import migrations

PROVISIONS = [
    ("OSL 18 kap. 8 §", "Säkerhets- och bevakningsåtgärder"),
    ("OSL 19 kap. 1 §", "Myndighetens affärs- eller driftförhållanden"),
    ("OSL 19 kap. 3 §", "Upphandling: anbud och uppgifter i anbud"),
    ("OSL 21 kap. 1 §", "Uppgifter om hälsa eller sexualliv"),
    ("OSL 21 kap. 3 §", "Bostadsadress och andra uppgifter om personer som kan utsättas för hot"),
    ("OSL 23 kap. 1 §", "Förskola: enskildas personliga förhållanden"),
    ("OSL 23 kap. 2 §", "Skolväsendet: elevhälsa och särskilt elevstöd"),
    ("OSL 25 kap. 1 §", "Hälso- och sjukvård: enskildas hälsotillstånd"),
    ("OSL 26 kap. 1 §", "Socialtjänst: enskildas personliga förhållanden"),
    ("OSL 39 kap. 1 §", "Personalsocial verksamhet"),
    (
        "OSL 39 kap. 3 §",
        "Personaladministrativ verksamhet: hälsotillstånd och personliga förhållanden",
    ),
]


def add(apps, schema_editor):
    provision = apps.get_model("registry", "SecrecyProvision")
    for reference, title in PROVISIONS:
        provision.objects.get_or_create(reference=reference, defaults={"title": title})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
