"""How the multilingual lead cosine shrinks across languages: the calibration of `pairs.CROSS_LINGUAL_COSINE`.

    .venv/bin/python bench/stories_crosslingual.py

The pair models were fitted on English pairs (ECB+), where two tellings of one event have the lead cosine of
two English texts. A text and its translation score lower than a text and itself (1.0) with the multilingual
encoder, so across languages the lead cosine is divided by the mean cosine of a text and its translation,
measured here on leads we wrote ourselves (each an English lead of three sentences with its Portuguese,
German, Spanish and Russian translations, written for this script), embedded as `featurize` embeds a lead (the
mean of the sentence vectors, unit length). Also reported: unrelated leads across languages, for contrast.
Writes `bench/results/stories_crosslingual.json`.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from common import write_results
from parallax.stories.features import Embedder, normalise_rows

LEADS: dict[str, list[str]] = {
    "en": [
        "A fire destroyed a textile warehouse in the port of Tarvik on Sunday night. Firefighters needed six hours "
        "to control the flames. Nobody was hurt, the city council said.",
        "The central bank of Maroland raised its main interest rate to 7 percent on Thursday. It was the third "
        "increase this year. The governor said inflation remained too high.",
        "Heavy rain cut the railway between Ostra and Velden for three days. About 400 passengers were taken by bus. "
        "Engineers are repairing a collapsed embankment.",
        "Farmers blocked the main roads into the capital with tractors on Monday. They demand lower diesel prices. "
        "The agriculture minister agreed to meet their leaders.",
        "A new bridge over the Lenna river opened to traffic after four years of work. It cost 120 million euros. "
        "The mayor called it the most important project of the decade.",
        "Striking nurses at the regional hospital returned to work after a deal on pay. The agreement raises "
        "salaries by 9 percent over two years. The union said members approved it by a large majority.",
    ],
    "pt": [
        "Um incêndio destruiu um armazém têxtil no porto de Tarvik na noite de domingo. Os bombeiros precisaram de "
        "seis horas para controlar as chamas. Ninguém ficou ferido, disse a câmara municipal.",
        "O banco central de Maroland elevou sua principal taxa de juros para 7 por cento na quinta-feira. Foi o "
        "terceiro aumento este ano. O governador disse que a inflação continua alta demais.",
        "Chuvas fortes cortaram a ferrovia entre Ostra e Velden por três dias. Cerca de 400 passageiros foram "
        "levados de ônibus. Engenheiros estão reparando um aterro que desabou.",
        "Agricultores bloquearam com tratores as principais estradas de acesso à capital na segunda-feira. Eles "
        "exigem preços mais baixos do diesel. O ministro da Agricultura aceitou reunir-se com seus líderes.",
        "Uma nova ponte sobre o rio Lenna foi aberta ao tráfego depois de quatro anos de obras. Ela custou 120 "
        "milhões de euros. O prefeito a chamou de o projeto mais importante da década.",
        "As enfermeiras em greve do hospital regional voltaram ao trabalho após um acordo salarial. O acordo "
        "aumenta os salários em 9 por cento em dois anos. O sindicato disse que os membros o aprovaram por ampla "
        "maioria.",
    ],
    "de": [
        "Ein Feuer hat in der Nacht zum Montag ein Textillager im Hafen von Tarvik zerstört. Die Feuerwehr brauchte "
        "sechs Stunden, um die Flammen zu löschen. Niemand wurde verletzt, teilte der Stadtrat mit.",
        "Die Zentralbank von Maroland hat am Donnerstag ihren Leitzins auf 7 Prozent angehoben. Es war die dritte "
        "Erhöhung in diesem Jahr. Der Gouverneur sagte, die Inflation sei weiterhin zu hoch.",
        "Starker Regen hat die Bahnstrecke zwischen Ostra und Velden für drei Tage unterbrochen. Rund 400 "
        "Fahrgäste wurden mit Bussen befördert. Ingenieure reparieren einen eingestürzten Bahndamm.",
        "Landwirte haben am Montag mit Traktoren die Hauptstraßen in die Hauptstadt blockiert. Sie fordern "
        "niedrigere Dieselpreise. Der Landwirtschaftsminister erklärte sich bereit, ihre Vertreter zu treffen.",
        "Eine neue Brücke über den Fluss Lenna ist nach vier Jahren Bauzeit für den Verkehr freigegeben worden. "
        "Sie kostete 120 Millionen Euro. Der Bürgermeister nannte sie das wichtigste Projekt des Jahrzehnts.",
        "Die streikenden Pflegekräfte des Regionalkrankenhauses sind nach einer Lohneinigung an die Arbeit "
        "zurückgekehrt. Die Vereinbarung erhöht die Gehälter um 9 Prozent über zwei Jahre. Die Gewerkschaft "
        "sagte, die Mitglieder hätten ihr mit großer Mehrheit zugestimmt.",
    ],
    "es": [
        "Un incendio destruyó un almacén textil en el puerto de Tarvik el domingo por la noche. Los bomberos "
        "necesitaron seis horas para controlar las llamas. Nadie resultó herido, dijo el ayuntamiento.",
        "El banco central de Maroland subió el jueves su tipo de interés principal al 7 por ciento. Fue la tercera "
        "subida este año. El gobernador dijo que la inflación sigue siendo demasiado alta.",
        "Las fuertes lluvias cortaron el ferrocarril entre Ostra y Velden durante tres días. Unos 400 pasajeros "
        "fueron trasladados en autobús. Los ingenieros reparan un terraplén derrumbado.",
        "Los agricultores bloquearon el lunes con tractores las principales carreteras de acceso a la capital. "
        "Exigen precios más bajos del gasóleo. El ministro de Agricultura aceptó reunirse con sus dirigentes.",
        "Un nuevo puente sobre el río Lenna se abrió al tráfico tras cuatro años de obras. Costó 120 millones de "
        "euros. El alcalde lo calificó como el proyecto más importante de la década.",
        "Las enfermeras en huelga del hospital regional volvieron al trabajo tras un acuerdo salarial. El acuerdo "
        "sube los sueldos un 9 por ciento en dos años. El sindicato dijo que los afiliados lo aprobaron por amplia "
        "mayoría.",
    ],
    "ru": [
        "В ночь на понедельник пожар уничтожил текстильный склад в порту Тарвик. Пожарным потребовалось шесть "
        "часов, чтобы справиться с огнём. Никто не пострадал, сообщил городской совет.",
        "Центральный банк Мароленда в четверг повысил ключевую ставку до 7 процентов. Это уже третье повышение в "
        "этом году. Управляющий заявил, что инфляция остаётся слишком высокой.",
        "Сильные дожди на три дня прервали железнодорожное сообщение между Острой и Вельденом. Около 400 "
        "пассажиров перевезли на автобусах. Инженеры восстанавливают обрушившуюся насыпь.",
        "В понедельник фермеры перекрыли тракторами главные дороги, ведущие в столицу. Они требуют снизить цены "
        "на дизельное топливо. Министр сельского хозяйства согласился встретиться с их представителями.",
        "Новый мост через реку Ленна открыт для движения после четырёх лет строительства. Он обошёлся в 120 "
        "миллионов евро. Мэр назвал его самым важным проектом десятилетия.",
        "Бастовавшие медсёстры областной больницы вернулись к работе после соглашения об оплате труда. "
        "Соглашение повышает зарплаты на 9 процентов за два года. Профсоюз сообщил, что члены одобрили его "
        "подавляющим большинством.",
    ],
}


def lead_vectors(embedder: Embedder, leads: list[str]) -> np.ndarray:
    from parallax.stories.features import split_sentences

    rows = []
    for lead in leads:
        sentences = split_sentences(lead)
        rows.append(embedder.embed(sentences).mean(axis=0))
    return normalise_rows(np.asarray(rows, dtype=np.float32))


def main() -> None:
    started = time.perf_counter()
    embedder = Embedder()
    embedder.setup()
    vectors = {language: lead_vectors(embedder, leads) for language, leads in LEADS.items()}
    same, other = {}, {}
    for a, b in itertools.combinations(LEADS, 2):
        cosine = vectors[a] @ vectors[b].T
        same[f"{a}-{b}"] = round(float(np.mean(np.diag(cosine))), 4)
        other[f"{a}-{b}"] = round(float(np.mean(cosine[~np.eye(len(cosine), dtype=bool)])), 4)
    mean_same = round(float(np.mean(list(same.values()))), 4)
    english_pairs = [value for key, value in same.items() if key.startswith("en-")]
    print(f"a lead and its translation: mean cosine {mean_same} over {len(same)} language pairs "
          f"(English with each: {np.mean(english_pairs):.3f}; min {min(same.values())}, max {max(same.values())})")
    print(f"unrelated leads across languages: mean cosine {np.mean(list(other.values())):.3f}")
    write_results("stories_crosslingual", {
        "command": ".venv/bin/python bench/stories_crosslingual.py", "date": time.strftime("%Y-%m-%d"),
        "leads": {language: len(leads) for language, leads in LEADS.items()},
        "translation_cosine_mean": mean_same, "translation_cosine_by_pair": same,
        "unrelated_cosine_by_pair": other, "seconds": round(time.perf_counter() - started, 1)})


if __name__ == "__main__":
    main()
