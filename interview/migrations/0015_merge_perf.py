from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0012_perf_daily_activity"),
        ("interview", "0014_merge_mentor"),
    ]

    operations = []
