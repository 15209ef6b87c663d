// Placeholder until the composition root lands.
int main() {
    return 0;
}
