//! Embeds `migrations/versions/*.sql`; cargo reruns this when a file is added, removed or edited.

fn main() {
    if let Err(e) = aludel::embed::build("migrations") {
        panic!("cannot embed the migrations: {e}");
    }
}
